package dev.drover.runtime;

import dev.drover.config.Secret;
import dev.drover.config.WorkerSpec;
import java.util.Map;

/** Starts worker processes; the supervisor's only way to make one, so tests and runtimes can differ. */
public interface WorkerLauncher {

  /**
   * Starts a worker for the spec. Secrets go over a private channel, never the command line or the
   * environment.
   */
  WorkerProcess launch(WorkerSpec spec, Map<String, Secret> secrets);

  /** The drover version the workers it launches run, as status shows it; empty when unknown. */
  default String version() {
    return "";
  }
}
