package dev.drover.worker;

/**
 * The worker cannot start and trying again will not help (no such class, static root missing, port taken):
 * {@link WorkerMain} prints {@code boot error: <message>} and exits with {@link WorkerMain#BOOT_ERROR}.
 */
final class BootException extends Exception {
  BootException(String message) {
    super(message);
  }

  BootException(String message, Throwable cause) {
    super(message, cause);
  }
}
