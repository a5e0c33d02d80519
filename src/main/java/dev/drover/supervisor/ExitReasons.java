package dev.drover.supervisor;

import dev.drover.wire.WorkerExit;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Words for why a worker exited, including the boot error line it wrote to its log. */
final class ExitReasons {
  /** The worker's exit code for an app that cannot boot (gunicorn's WORKER_BOOT_ERROR idea). */
  static final int BOOT_ERROR = WorkerExit.BOOT_ERROR;
  private static final String BOOT_PREFIX = WorkerExit.BOOT_ERROR_PREFIX;

  private ExitReasons() {
  }

  static String describe(int code, Path log) {
    if (code == BOOT_ERROR) {
      return lastBootError(log);
    }
    if (code == 0) {
      return "exited";
    }
    if (code == 143) {
      return "terminated (SIGTERM)";
    }
    if (code == 137) {
      return "killed (SIGKILL)";
    }
    return code > 128 ? "killed by signal " + (code - 128) : "exit code " + code + lastLine(log);
  }

  /** A worker that dies on its own usually says why last, e.g. the JVM's "Could not find or load main class". */
  private static String lastLine(Path log) {
    String last = null;
    for (String line : tail(log).split("\n")) {
      if (!line.isBlank()) {
        last = line.strip();
      }
    }
    return last == null ? "" : " (last log line: " + last + ")";
  }

  private static String tail(Path log) {
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long start = Math.max(0, f.length() - 64 * 1024);
      byte[] tail = new byte[(int) (f.length() - start)];
      f.seek(start);
      f.readFully(tail);
      return new String(tail, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** The last {@code boot error:} line of the log, read from its tail. */
  static String lastBootError(Path log) {
    String text = tail(log);
    if (text.isEmpty()) {
      return "boot error (no log)";
    }
    String found = null;
    for (String line : text.split("\n")) {
      int at = line.indexOf(BOOT_PREFIX);
      if (at >= 0) {
        found = line.substring(at).strip();
      }
    }
    return found != null ? found : "boot error (see " + log.getFileName() + ")";
  }
}
