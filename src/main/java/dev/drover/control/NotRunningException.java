package dev.drover.control;

import dev.drover.config.DroverException;

/** No supervisor answers for the project; the command line maps it to exit code 3. */
public final class NotRunningException extends DroverException {
  private static final long serialVersionUID = 1L;

  public NotRunningException(String message) {
    super(message);
  }
}
