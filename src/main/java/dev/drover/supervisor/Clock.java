package dev.drover.supervisor;

/**
 * Monotonic milliseconds for the arbiter's deadlines (backoff, crash-loop window, watchdog, drain), injected so
 * they can be tested without waiting, and immune to the wall clock being set back.
 */
@FunctionalInterface
public interface Clock {
  long millis();

  static Clock system() {
    return () -> System.nanoTime() / 1_000_000;
  }
}
