package dev.drover.supervisor;

/**
 * What happens to a slot whose worker exited on its own, after gunicorn: a worker that cannot boot is not
 * restarted in a loop; one that keeps dying is marked failed and retried much later; one that dies young is
 * restarted with exponential backoff; one that lived a while is restarted at once.
 */
final class RestartPolicy {
  static final int CRASH_LOOP_EXITS = 5;
  static final long CRASH_LOOP_WINDOW_MILLIS = 60_000;
  static final long FAILED_RETRY_MILLIS = 60_000;
  /** A worker that lived less than this died young: its restart backs off. */
  static final long YOUNG_MILLIS = 10_000;
  static final long MAX_BACKOFF_MILLIS = 10_000;
  static final long FIRST_BACKOFF_MILLIS = 100;

  private RestartPolicy() {
  }

  /**
   * Records the exit in the slot and sets when it restarts ({@code restartAtMillis}) or that it failed.
   * Returns true when the slot is now failed.
   */
  static boolean afterExit(Slot slot, long startedAtMillis, boolean bootError, long now) {
    slot.exitTimes.addLast(now);
    while (!slot.exitTimes.isEmpty() && slot.exitTimes.peekFirst() < now - CRASH_LOOP_WINDOW_MILLIS) {
      slot.exitTimes.removeFirst();
    }
    if (bootError || slot.exitTimes.size() >= CRASH_LOOP_EXITS) {
      slot.failed = true;
      slot.bootError = bootError;
      slot.restartAtMillis = now + FAILED_RETRY_MILLIS;
      return true;
    }
    slot.quickExits = now - startedAtMillis < YOUNG_MILLIS ? slot.quickExits + 1 : 0;
    slot.restartAtMillis = now + backoffMillis(slot.quickExits);
    return false;
  }

  /** 0 for the first exit after a long life, then 0.1, 0.2, 0.4 … s, at most 10 s. */
  static long backoffMillis(int quickExits) {
    return quickExits == 0 ? 0 : Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(quickExits - 1, 7));
  }

  /** Why a failed slot failed, for the log and start's error. */
  static String failure(Slot slot) {
    return slot.bootError ? slot.lastExit : CRASH_LOOP_EXITS + " exits within " + CRASH_LOOP_WINDOW_MILLIS / 1000 + "s";
  }
}
