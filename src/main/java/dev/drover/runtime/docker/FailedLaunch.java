package dev.drover.runtime.docker;

import dev.drover.runtime.WorkerProcess;
import java.util.concurrent.CompletableFuture;

/**
 * A worker whose container could not be created or started, reported the way a worker that cannot boot reports
 * itself: a {@code boot error:} line in its log and exit code 3. The supervisor then does what it does for any
 * boot error (fail the start with that line, or mark the slot failed and retry later) instead of meeting an
 * exception on its own thread.
 */
final class FailedLaunch implements WorkerProcess {
  /** The worker's exit code for "cannot boot, do not restart at once". */
  static final int BOOT_ERROR = 3;

  private final CompletableFuture<Integer> exit = CompletableFuture.completedFuture(BOOT_ERROR);

  @Override
  public long pid() {
    return -1;
  }

  @Override
  public boolean isAlive() {
    return false;
  }

  @Override
  public CompletableFuture<Integer> onExit() {
    return exit;
  }

  @Override
  public void terminate() {
  }

  @Override
  public void kill() {
  }

  @Override
  public void dumpThreads() {
  }

  @Override
  public long rssBytes() {
    return -1;
  }
}
