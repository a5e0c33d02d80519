package dev.drover.config;

import java.nio.file.Path;

/** Where a project's runtime state lives: everything under {@code .drover/}, ignored by git. */
public record RunLayout(Path projectDir) {

  public RunLayout {
    projectDir = projectDir.toAbsolutePath().normalize();
  }

  public Path stateDir() {
    return projectDir.resolve(".drover");
  }

  /** Where the class data archives live: runtime state, per jar and JDK. */
  public Path cdsDir() {
    return stateDir().resolve("cds");
  }

  /** Private copies of drover's jar that the running cluster runs from. */
  public Path libDir() {
    return stateDir().resolve("lib");
  }

  public Path runDir() {
    return stateDir().resolve("run");
  }

  public Path logsDir() {
    return stateDir().resolve("logs");
  }

  public Path pidFile() {
    return stateDir().resolve("drover.pid");
  }

  /** Held locked by the live supervisor: a killed supervisor's lock goes with it, so stale state is certain. */
  public Path lockFile() {
    return stateDir().resolve("drover.lock");
  }

  public Path controlSocket() {
    return stateDir().resolve("control.sock");
  }

  public Path workerLog(int id) {
    return logsDir().resolve("worker-" + id + ".log");
  }

  public Path supervisorLog() {
    return logsDir().resolve("supervisor.log");
  }

  public Path accessLog() {
    return logsDir().resolve("access.log");
  }
}
