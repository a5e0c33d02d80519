package dev.drover.worker;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Sends java.util.logging records (where Undertow and XNIO log, through jboss-logging) to the {@link WorkerLog},
 * so the worker's log has one line format instead of the JDK's two-line default.
 */
final class JulBridge extends Handler {
  private final WorkerLog log;
  private final Formatter messages = new SimpleFormatter();
  // java.util.logging holds loggers weakly and would forget a level set on one nobody references; the root
  // logger holds this handler, and this handler holds them.
  private final List<Logger> quieted = new ArrayList<>();

  private JulBridge(WorkerLog log) {
    this.log = log;
  }

  /** Replaces the root handlers with this bridge; Undertow's own start-up chatter shows from DEBUG on only. */
  static void install(WorkerLog log) {
    System.setProperty("org.jboss.logging.provider", "jdk");
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    root.setLevel(julLevel(log.threshold()));
    JulBridge bridge = new JulBridge(log);
    root.addHandler(bridge);
    if (log.threshold() == Level.INFO) {
      for (String name : List.of("org.xnio", "io.undertow", "org.jboss")) {
        Logger l = Logger.getLogger(name);
        l.setLevel(java.util.logging.Level.WARNING);
        bridge.quieted.add(l);
      }
    }
  }

  @Override
  public void publish(LogRecord record) {
    String name = record.getLoggerName() == null ? "" : record.getLoggerName();
    log.log(systemLevel(record.getLevel()), null, "[" + name + "] " + messages.formatMessage(record), record.getThrown());
  }

  @Override
  public void flush() {
  }

  @Override
  public void close() {
  }

  private static Level systemLevel(java.util.logging.Level l) {
    int v = l.intValue();
    if (v >= java.util.logging.Level.SEVERE.intValue()) {
      return Level.ERROR;
    } else if (v >= java.util.logging.Level.WARNING.intValue()) {
      return Level.WARNING;
    } else if (v >= java.util.logging.Level.INFO.intValue()) {
      return Level.INFO;
    } else if (v >= java.util.logging.Level.FINE.intValue()) {
      return Level.DEBUG;
    }
    return Level.TRACE;
  }

  private static java.util.logging.Level julLevel(Level l) {
    return switch (l) {
      case ALL, TRACE -> java.util.logging.Level.FINEST;
      case DEBUG -> java.util.logging.Level.FINE;
      case INFO -> java.util.logging.Level.INFO;
      case WARNING -> java.util.logging.Level.WARNING;
      case ERROR -> java.util.logging.Level.SEVERE;
      case OFF -> java.util.logging.Level.OFF;
    };
  }
}
