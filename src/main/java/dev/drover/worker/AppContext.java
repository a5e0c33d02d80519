package dev.drover.worker;

import dev.drover.config.Secret;
import java.util.Map;
import java.util.Optional;

/** What an {@link App} learns about the worker it runs in. */
public interface AppContext {
  /** This worker's number, 1-based. */
  int workerId();

  /** The environment, e.g. {@code development} or {@code production}. */
  String env();

  /** The {@code app_settings} table without its secrets; keys are dotted paths below {@code app_settings}. */
  Map<String, Object> settings();

  /**
   * A secret by name: {@code secret_key}, or a secret key of {@code app_settings} by its name there
   * ({@code db_password}) or its full path ({@code app_settings.db_password}). Empty when not set.
   */
  Optional<Secret> secret(String name);

  /** Writes lines to the worker's log in the worker's format; a {@link Secret} prints masked. */
  System.Logger logger();
}
