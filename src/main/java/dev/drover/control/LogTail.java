package dev.drover.control;

import dev.drover.config.DroverException;
import dev.drover.config.RunLayout;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BooleanSupplier;

/** {@code drover logs}: the last lines of the supervisor's or a worker's log, and optionally what follows. */
public final class LogTail {
  private final RunLayout layout;

  public LogTail(RunLayout layout) {
    this.layout = layout;
  }

  public Path file(Integer worker) {
    Path log = worker == null ? layout.supervisorLog() : layout.workerLog(worker);
    if (!Files.isRegularFile(log)) {
      throw new DroverException("no log " + layout.projectDir().relativize(log)
          + (worker == null ? " (drover start -d writes it; a foreground start logs to the terminal)" : ""));
    }
    return log;
  }

  /** Prints the last {@code lines} lines; with {@code follow}, keeps printing new ones while {@code keepGoing}. */
  public void print(Integer worker, int lines, boolean follow, PrintWriter out, BooleanSupplier keepGoing)
      throws IOException, InterruptedException {
    Path log = file(worker);
    long position;
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long start = Math.max(0, f.length() - Math.max(64 * 1024, lines * 400L));
      byte[] tail = new byte[(int) (f.length() - start)];
      f.seek(start);
      f.readFully(tail);
      position = f.length();
      Deque<String> last = new ArrayDeque<>();
      for (String line : new String(tail, StandardCharsets.UTF_8).split("\n", -1)) {
        last.addLast(line);
        if (last.size() > lines + 1) {
          last.removeFirst();
        }
      }
      if (!last.isEmpty() && last.peekLast().isEmpty()) {
        last.removeLast();
      }
      while (last.size() > lines) {
        last.removeFirst();
      }
      last.forEach(out::println);
      out.flush();
    }
    while (follow && keepGoing.getAsBoolean()) {
      Thread.sleep(200);
      try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
        if (f.length() < position) {
          position = 0; // rotated or truncated
        }
        if (f.length() > position) {
          byte[] more = new byte[(int) (f.length() - position)];
          f.seek(position);
          f.readFully(more);
          position = f.length();
          out.print(new String(more, StandardCharsets.UTF_8));
          out.flush();
        }
      }
    }
  }
}
