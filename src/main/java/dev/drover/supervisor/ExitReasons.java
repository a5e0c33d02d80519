package dev.drover.supervisor;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Words for why a worker exited, including the boot error line it wrote to its log. */
final class ExitReasons {
  /** The worker's exit code for an app that cannot boot (gunicorn's WORKER_BOOT_ERROR idea). */
  static final int BOOT_ERROR = 3;
  private static final String BOOT_PREFIX = "boot error:";

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
    return code > 128 ? "killed by signal " + (code - 128) : "exit code " + code;
  }

  /** The last {@code boot error:} line of the log, read from its tail. */
  static String lastBootError(Path log) {
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long start = Math.max(0, f.length() - 64 * 1024);
      byte[] tail = new byte[(int) (f.length() - start)];
      f.seek(start);
      f.readFully(tail);
      String found = null;
      for (String line : new String(tail, StandardCharsets.UTF_8).split("\n")) {
        int at = line.indexOf(BOOT_PREFIX);
        if (at >= 0) {
          found = line.substring(at).strip();
        }
      }
      return found != null ? found : "boot error (see " + log.getFileName() + ")";
    } catch (IOException e) {
      return "boot error (no log)";
    }
  }
}
