package dev.drover.dashboard;

import dev.drover.balancer.Metrics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The last {@value #KEEP} seconds of {@link Sample}s, made from two readings of the balancer's counters a
 * second apart. Memory stays fixed (a ring), so a dashboard left open for a month costs what it costs in its
 * first five minutes. Thread-safe.
 */
final class History {
  static final int KEEP = 300;
  private static final double[] BOUNDS_SECONDS = Metrics.latencyBounds();

  /** The balancer's cumulative counters at one moment. */
  record Counters(long nanos, Map<Integer, Long> responses, long[] latency, long rateLimited, long queueRejected,
      long connectionsRejected) {

    static Counters read(Metrics m, long nanos) {
      return new Counters(nanos, m.responses(), m.latencyCounts(), m.rateLimitedCount(), m.queueRejectedCount(),
          m.connectionsRejectedCount());
    }

    long responses(int from, int to) {
      long n = 0;
      for (Map.Entry<Integer, Long> e : responses.entrySet()) {
        n += e.getKey() >= from && e.getKey() < to ? e.getValue() : 0;
      }
      return n;
    }
  }

  private final Deque<Sample> samples = new ArrayDeque<>();

  synchronized void add(Sample s) {
    samples.addLast(s);
    while (samples.size() > KEEP) {
      samples.removeFirst();
    }
  }

  synchronized List<Sample> all() {
    return List.copyOf(new ArrayList<>(samples));
  }

  /** The sample for the interval between two readings. */
  static Sample between(Counters a, Counters b, long timeMillis, long inFlight, Map<Integer, Long> rssBytes) {
    double seconds = Math.max(1e-3, (b.nanos() - a.nanos()) / 1e9);
    long[] buckets = new long[b.latency().length];
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = b.latency()[i] - (i < a.latency().length ? a.latency()[i] : 0);
    }
    // The 503s of a full queue are counted apart; the rest of the 503s (no worker ready) stay 5xx.
    return new Sample(timeMillis,
        rate(b.responses(100, 300) - a.responses(100, 300), seconds),
        rate(b.responses(300, 400) - a.responses(300, 400), seconds),
        rate(b.responses(400, 500) - a.responses(400, 500), seconds),
        rate(b.responses(500, 600) - a.responses(500, 600), seconds),
        percentileMillis(buckets, 0.50), percentileMillis(buckets, 0.99),
        rate(b.rateLimited() - a.rateLimited(), seconds),
        rate(b.queueRejected() - a.queueRejected(), seconds),
        rate(b.responses(413, 414) - a.responses(413, 414), seconds),
        rate(b.responses(431, 432) - a.responses(431, 432), seconds),
        rate(b.responses(400, 401) - a.responses(400, 401), seconds),
        rate(b.connectionsRejected() - a.connectionsRejected(), seconds),
        inFlight, Map.copyOf(rssBytes));
  }

  private static double rate(long count, double seconds) {
    return Math.round(Math.max(0, count) / seconds * 100) / 100.0;
  }

  /**
   * The q-quantile of one interval's latency histogram in milliseconds, interpolated linearly inside its bucket;
   * 0 when nothing was answered. Beyond the largest bound it reports that bound: the histogram knows no more.
   */
  static double percentileMillis(long[] buckets, double q) {
    long total = 0;
    for (long n : buckets) {
      total += Math.max(0, n);
    }
    if (total == 0) {
      return 0;
    }
    double rank = q * total;
    long below = 0;
    for (int i = 0; i < buckets.length; i++) {
      long n = Math.max(0, buckets[i]);
      if (n > 0 && below + n >= rank) {
        if (i >= BOUNDS_SECONDS.length) {
          return BOUNDS_SECONDS[BOUNDS_SECONDS.length - 1] * 1000;
        }
        double low = i == 0 ? 0 : BOUNDS_SECONDS[i - 1];
        double high = BOUNDS_SECONDS[i];
        double at = low + (high - low) * Math.max(0, rank - below) / n;
        return Math.round(at * 1000 * 100) / 100.0;
      }
      below += n;
    }
    return BOUNDS_SECONDS[BOUNDS_SECONDS.length - 1] * 1000;
  }
}
