package dev.drover.supervisor;

/**
 * Where the supervisor's events go, each with its severity: a worker that dies unexpectedly is a warning, one
 * that cannot boot or a reload that fails is an error, so a log watcher filtering on level sees them.
 */
@FunctionalInterface
public interface EventLog {
  enum Level { INFO, WARN, ERROR }

  void log(Level level, String message);

  default void info(String message) {
    log(Level.INFO, message);
  }

  default void warn(String message) {
    log(Level.WARN, message);
  }

  default void error(String message) {
    log(Level.ERROR, message);
  }
}
