package dev.drover.worker;

import java.io.PrintStream;
import java.text.MessageFormat;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.ResourceBundle;
import java.util.function.Supplier;

/**
 * The worker's one logger: each line is {@code <ISO time> <LEVEL> worker-<id>: msg} on standard output,
 * which the supervisor appends to the worker's log file. Lines below the threshold are dropped. It is also
 * the {@link System.Logger} an {@link App} gets, so the app's lines look like the worker's own.
 */
final class WorkerLog implements System.Logger {
  // Fixed width (always milliseconds, always UTC) so log lines line up and sort as text.
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final int workerId;
  private final Level threshold;
  private final PrintStream out;
  private final Clock clock;

  WorkerLog(int workerId, Level threshold, PrintStream out, Clock clock) {
    this.workerId = workerId;
    this.threshold = threshold;
    this.out = out;
    this.clock = clock;
  }

  /** Maps a {@code log_level} setting (TRACE, DEBUG, INFO, WARN, ERROR; any case) to a level; INFO if unknown. */
  static Level parseLevel(String name) {
    if (name == null) {
      return Level.INFO;
    }
    return switch (name.trim().toUpperCase(Locale.ROOT)) {
      case "TRACE" -> Level.TRACE;
      case "DEBUG" -> Level.DEBUG;
      case "WARN", "WARNING" -> Level.WARNING;
      case "ERROR" -> Level.ERROR;
      case "OFF" -> Level.OFF;
      default -> Level.INFO;
    };
  }

  Level threshold() {
    return threshold;
  }

  void info(String msg) {
    log(Level.INFO, msg);
  }

  void warn(String msg) {
    log(Level.WARNING, msg);
  }

  void error(String msg, Throwable t) {
    log(Level.ERROR, msg, t);
  }

  @Override
  public String getName() {
    return "worker-" + workerId;
  }

  @Override
  public boolean isLoggable(Level level) {
    return level != Level.OFF && threshold != Level.OFF && level.getSeverity() >= threshold.getSeverity();
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
    if (isLoggable(level)) {
      write(level, localized(bundle, msg), thrown);
    }
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String format, Object... params) {
    if (isLoggable(level)) {
      String pattern = localized(bundle, format);
      String msg = params == null || params.length == 0 ? pattern : new MessageFormat(pattern, Locale.ROOT).format(params);
      write(level, msg, null);
    }
  }

  @Override
  public void log(Level level, Supplier<String> msgSupplier) {
    if (isLoggable(level)) {
      write(level, msgSupplier.get(), null);
    }
  }

  private static String localized(ResourceBundle bundle, String key) {
    if (bundle != null && key != null && bundle.containsKey(key)) {
      return bundle.getString(key);
    }
    return key;
  }

  // One println per record (the stream is shared by every thread), flushed at once so the log file is
  // current when the supervisor or a person reads it.
  private void write(Level level, String msg, Throwable thrown) {
    String line = TIME.format(clock.instant()) + " " + label(level) + " worker-" + workerId
        + ": " + msg;
    synchronized (out) {
      out.println(line);
      if (thrown != null) {
        thrown.printStackTrace(out);
      }
      out.flush();
    }
  }

  private static String label(Level level) {
    return switch (level) {
      case WARNING -> "WARN";
      case ALL -> "TRACE";
      default -> level.getName();
    };
  }
}
