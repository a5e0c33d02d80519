package dev.drover.wire;

/**
 * How a worker tells its supervisor why it ended: its exit code, and for a boot error one line in its log
 * that starts with {@link #BOOT_ERROR_PREFIX}. The worker writes them, the supervisor reads them; both use
 * these names.
 */
public final class WorkerExit {
  /** After a stop: drained, or orphaned and gone. */
  public static final int STOPPED = 0;
  /** A stop did not finish within its deadline and the process halted itself. */
  public static final int STOP_HUNG = 1;
  /** The worker cannot start and a restart would fail the same way: gunicorn's WORKER_BOOT_ERROR. */
  public static final int BOOT_ERROR = 3;
  public static final String BOOT_ERROR_PREFIX = "boot error:";

  private WorkerExit() {
  }

  /** The log line that says why a worker cannot boot. */
  public static String bootErrorLine(String message) {
    return BOOT_ERROR_PREFIX + " " + message;
  }
}
