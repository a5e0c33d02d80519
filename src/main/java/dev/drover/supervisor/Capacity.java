package dev.drover.supervisor;

import dev.drover.config.DroverException;
import dev.drover.runtime.JvmOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A sanity limit on the worker count, checked before a start, scale or reload spawns anything: workers whose
 * estimated memory passes what the machine has available, or far more workers than cores, thrash the machine
 * instead of serving it (a typo of 10000 once started hundreds of JVMs). {@code --force} overrides it.
 *
 * @param cores          the machine's cores
 * @param availableBytes memory available for new processes (MemAvailable), or -1 when unknown
 */
record Capacity(int cores, long availableBytes) {
  /** What a JVM costs beyond its heap: metaspace, code cache, thread stacks, the CDS mapping (measured ~45 MB). */
  static final long JVM_OVERHEAD_BYTES = 48L << 20;
  /** The heap a JVM may grow to when its options set none: the JDK's default is a quarter of the machine. */
  private static final long DEFAULT_HEAP_FRACTION = 4;

  /** This machine, as /proc/meminfo and the JVM see it. */
  static Capacity ofThisMachine() {
    return new Capacity(Runtime.getRuntime().availableProcessors(), memAvailable(Path.of("/proc/meminfo")));
  }

  /** The most workers allowed without --force for the cores alone. */
  int maxForCores() {
    return Math.max(16, cores * 8);
  }

  /** Refuses a count the machine cannot carry, unless forced; the message says how to go on. */
  void check(int workers, List<String> jvmOptions, boolean force) {
    if (force) {
      return;
    }
    if (workers > maxForCores()) {
      throw new DroverException(workers + " workers on " + cores + " cores is far more than the machine can run"
          + " (the limit without --force is " + maxForCores() + "; gunicorn's rule is cores*2+1 = " + (cores * 2 + 1)
          + "); pass --force to run them anyway");
    }
    long each = perWorkerBytes(JvmOptions.orDefault(jvmOptions));
    if (availableBytes > 0 && workers * each > availableBytes) {
      throw new DroverException(workers + " workers need about " + mb(workers * each) + " (" + mb(each)
          + " each) but " + mb(availableBytes) + " is available; lower cluster.workers or pass --force");
    }
  }

  /** The estimated resident size of one worker: its maximum heap plus the JVM's own. */
  long perWorkerBytes(List<String> jvmOptions) {
    long heap = -1;
    for (String option : jvmOptions) {
      if (option.startsWith("-Xmx")) {
        heap = parseJvmSize(option.substring(4));
      }
    }
    if (heap < 0) {
      heap = availableBytes > 0 ? availableBytes / DEFAULT_HEAP_FRACTION : 256L << 20;
    }
    return heap + JVM_OVERHEAD_BYTES;
  }

  /** 512m, 2g, 1048576: the JVM's own size syntax; unreadable counts as unknown. */
  static long parseJvmSize(String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    if (t.isEmpty()) {
      return -1;
    }
    long unit = switch (t.charAt(t.length() - 1)) {
      case 'k' -> 1L << 10;
      case 'm' -> 1L << 20;
      case 'g' -> 1L << 30;
      case 't' -> 1L << 40;
      default -> 1;
    };
    try {
      return Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1)) * unit;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static long memAvailable(Path meminfo) {
    try {
      for (String line : Files.readAllLines(meminfo)) {
        if (line.startsWith("MemAvailable:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux, or an unreadable /proc: the memory check is skipped
    }
    return -1;
  }

  private static String mb(long bytes) {
    return (bytes >> 20) + " MB";
  }
}
