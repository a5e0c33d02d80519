package dev.drover.supervisor;

/**
 * When a worker is probed, and when one is taken for hung: a ready worker is asked once a second whether it
 * still answers; one silent for {@code cluster.timeout} is killed. A booting worker is probed often, so it
 * joins within milliseconds of listening, and gets at least {@link #BOOT_TIMEOUT_MILLIS} to answer first,
 * whatever the timeout says, so a JVM slowed by a loaded machine is not killed as hung and crash-looped.
 */
final class Watchdog {
  enum Verdict { WAIT, PROBE, HUNG }

  static final long LIVENESS_PROBE_MILLIS = 1_000;
  /** Often enough that a worker joins within a few ms of listening; rare enough that probing is not a busy loop. */
  static final long STARTING_PROBE_MILLIS = 10;
  static final long BOOT_TIMEOUT_MILLIS = 60_000;
  /** Between the thread dump of a hung worker and its SIGKILL, so the dump reaches its log. */
  static final long DUMP_GRACE_MILLIS = 500;

  private Watchdog() {
  }

  static Verdict check(Worker w, long timeoutMillis, long now) {
    if (w.exited() || w.probing || w.terminateSent) {
      return Verdict.WAIT;
    }
    long timeout = w.state == WorkerState.STARTING ? Math.max(timeoutMillis, BOOT_TIMEOUT_MILLIS) : timeoutMillis;
    if (now - w.lastAnswerMillis > timeout) {
      return Verdict.HUNG;
    }
    boolean due = w.state == WorkerState.STARTING
        ? now - w.lastProbeMillis >= STARTING_PROBE_MILLIS
        : now - w.lastAnswerMillis >= LIVENESS_PROBE_MILLIS;
    return due ? Verdict.PROBE : Verdict.WAIT;
  }

  /** The timeout that applies to the worker now, for the log line. */
  static long timeoutFor(Worker w, long timeoutMillis) {
    return w.state == WorkerState.STARTING ? Math.max(timeoutMillis, BOOT_TIMEOUT_MILLIS) : timeoutMillis;
  }
}
