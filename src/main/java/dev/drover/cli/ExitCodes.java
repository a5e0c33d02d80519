package dev.drover.cli;

import dev.drover.config.DroverException;

/** The only place exceptions become exit codes. */
final class ExitCodes {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int NOT_RUNNING = 3;

  private ExitCodes() {
  }

  static int of(Throwable t) {
    if (t instanceof NotRunning) {
      return NOT_RUNNING;
    }
    return FAILED;
  }

  /** Thrown by a command whose cluster is not running; maps to exit code 3. */
  static final class NotRunning extends DroverException {
    private static final long serialVersionUID = 1L;

    NotRunning(String message) {
      super(message);
    }
  }
}
