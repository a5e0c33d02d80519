package dev.drover.balancer;

import dev.drover.config.BalancerSettings;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes access log lines on a thread of its own. Request threads only append an entry to a lock-free queue;
 * the writer wakes every {@link #FLUSH_INTERVAL} (sooner once {@link #WAKE_AT} entries wait), formats what is
 * queued into a buffer and writes it with one flush. If the disk stalls the queue stops at {@link #MAX_QUEUED}
 * and further lines are dropped and counted, rather than holding up requests or filling the heap.
 *
 * <p>{@link #reopen} closes the file and opens the path again, for logrotate: after it has moved the file away,
 * the next lines go to a new one. The format follows {@code balancer.access_log_format} on reconfigure.
 */
final class AccessLogWriter implements Reconfigurable {
  static final Duration FLUSH_INTERVAL = Duration.ofMillis(100);
  static final int WAKE_AT = 1024;
  static final int MAX_QUEUED = 100_000;
  private static final System.Logger LOG = System.getLogger(AccessLogWriter.class.getName());
  private static final int BUFFER_CHARS = 64 * 1024;

  private final Path file;
  private final String threadName;
  private final Queue<AccessLog.Entry> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final LongAdder dropped = new LongAdder();
  private volatile AccessLogFormat format;
  private volatile boolean running;
  private volatile Thread thread;
  /** Guarded by {@code this}: only the writer thread and {@link #reopen}/{@link #stop} touch the file. */
  private Writer out;
  private final StringBuilder line = new StringBuilder(512);
  /** The line's characters, handed to the writer without a String made of them. */
  private char[] chars = new char[512];
  /** Guarded by {@code this}: a failing disk is reported once, not on every flush. */
  private boolean failing;

  AccessLogWriter(Path file, AccessLogFormat format, String threadName) {
    this.file = file;
    this.format = format;
    this.threadName = threadName;
  }

  /** Opens (creating directories as needed, appending to an existing file) and starts the writer thread. */
  synchronized void start() {
    out = open();
    running = true;
    thread = new Thread(this::run, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /** Called on IO threads: never blocks. */
  void add(AccessLog.Entry entry) {
    int n = queued.incrementAndGet();
    if (n > MAX_QUEUED) {
      queued.decrementAndGet();
      dropped.increment();
      return;
    }
    queue.add(entry);
    if (n == WAKE_AT) {
      LockSupport.unpark(thread);
    }
  }

  /** Writes what is queued to the old file, then continues in a newly opened file at the same path. */
  synchronized void reopen() {
    if (out == null) {
      return;
    }
    drain();
    Writer next = open();
    close(out);
    out = next;
  }

  @Override
  public void reconfigure(BalancerSettings settings) {
    format = AccessLogFormat.named(settings.accessLogFormat());
  }

  /** Writes every queued line, closes the file and ends the thread. */
  void stop() {
    Thread t;
    synchronized (this) {
      running = false;
      t = thread;
    }
    if (t != null) {
      LockSupport.unpark(t);
      try {
        t.join(TimeUnit.SECONDS.toMillis(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      if (out != null) {
        drain();
        close(out);
        out = null;
      }
    }
  }

  /** Lines dropped because the queue was full. */
  long dropped() {
    return dropped.sum();
  }

  private void run() {
    long reportedDrops = 0;
    while (running) {
      LockSupport.parkNanos(FLUSH_INTERVAL.toNanos());
      synchronized (this) {
        if (out != null) {
          drain();
        }
      }
      long drops = dropped.sum();
      if (drops != reportedDrops) {
        LOG.log(System.Logger.Level.WARNING, "access log: {0} lines dropped, the disk is not keeping up", drops - reportedDrops);
        reportedDrops = drops;
      }
    }
  }

  /** Holding the monitor: formats and writes everything queued, then flushes once. */
  private void drain() {
    AccessLogFormat f = format;
    boolean wrote = false;
    AccessLog.Entry e;
    try {
      while ((e = queue.poll()) != null) {
        queued.decrementAndGet();
        line.setLength(0);
        f.append(line, e);
        if (chars.length < line.length()) {
          chars = new char[line.length() * 2];
        }
        line.getChars(0, line.length(), chars, 0);
        out.write(chars, 0, line.length());
        wrote = true;
      }
      if (wrote) {
        out.flush();
        failing = false;
      }
    } catch (IOException ex) {
      if (!failing) {
        LOG.log(System.Logger.Level.ERROR, "access log: cannot write " + file + ": " + ex.getMessage());
      }
      failing = true;
    }
  }

  private Writer open() {
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      return new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND, StandardOpenOption.WRITE), StandardCharsets.UTF_8), BUFFER_CHARS);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the access log " + file + ": " + e.getMessage(), e);
    }
  }

  private void close(Writer w) {
    try {
      w.close();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "access log: closing " + file + ": " + e.getMessage());
    }
  }
}
