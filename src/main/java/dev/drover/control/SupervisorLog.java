package dev.drover.control;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The supervisor's log: one line per event, {@code <ISO time> <LEVEL> <who>: <message>}, the same shape as
 * a worker's, so {@code drover logs} reads alike for both. Libraries' java.util.logging output (the
 * balancer's, Undertow's) is folded into the same shape, and their start-up chatter is kept out.
 */
final class SupervisorLog {
  private final PrintWriter out;
  /** java.util.logging holds loggers weakly: a level set on one nobody references is forgotten. */
  private final java.util.List<Logger> quieted = new java.util.ArrayList<>();

  SupervisorLog(PrintWriter out) {
    this.out = out;
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    Handler handler = new ConsoleHandler() {
      @Override
      public void publish(LogRecord record) {
        if (isLoggable(record)) {
          line(record.getLevel() == Level.SEVERE ? "ERROR" : record.getLevel() == Level.WARNING ? "WARN" : "INFO",
              shortName(record.getLoggerName()), getFormatter().formatMessage(record)
                  + (record.getThrown() == null ? "" : ": " + record.getThrown()));
        }
      }
    };
    handler.setFormatter(new Formatter() {
      @Override
      public String format(LogRecord record) {
        return formatMessage(record);
      }
    });
    root.addHandler(handler);
    root.setLevel(Level.INFO);
    for (String chatty : new String[] {"org.jboss", "org.xnio", "io.undertow"}) {
      Logger logger = Logger.getLogger(chatty);
      logger.setLevel(Level.WARNING);
      quieted.add(logger);
    }
    // Undertow logs an ERROR with a stack trace for every proxied request a worker drops, even one the
    // balancer then retries; the balancer reports a failed worker itself, once, in one line.
    Logger proxy = Logger.getLogger("io.undertow.proxy");
    proxy.setLevel(Level.OFF);
    quieted.add(proxy);
  }

  void info(String message) {
    line("INFO", "supervisor", message);
  }

  void event(dev.drover.supervisor.EventLog.Level level, String message) {
    line(level.name(), "supervisor", message);
  }

  void line(String level, String who, String message) {
    synchronized (out) {
      out.println(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS) + " " + level + " " + who + ": " + message);
      out.flush();
    }
  }

  private static String shortName(String logger) {
    if (logger == null) {
      return "drover";
    }
    String[] parts = logger.split("\\.");
    return parts.length > 2 && logger.startsWith("dev.drover.") ? parts[2] : parts[parts.length - 1];
  }
}
