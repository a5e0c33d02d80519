package dev.drover.cli;

import dev.drover.control.NotRunningException;

/** The only place exceptions become exit codes. */
final class ExitCodes {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int NOT_RUNNING = 3;

  private ExitCodes() {
  }

  static int of(Throwable t) {
    if (t instanceof NotRunningException) {
      return NOT_RUNNING;
    }
    return FAILED;
  }
}
