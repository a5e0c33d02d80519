package dev.drover.config;

/**
 * A failure a user can act on, reported as its message on one line (or one line per problem) and exit
 * code 1. Domain code throws it or a subclass; only the command line turns it into an exit code.
 */
public class DroverException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DroverException(String message) {
    super(message);
  }

  public DroverException(String message, Throwable cause) {
    super(message, cause);
  }
}
