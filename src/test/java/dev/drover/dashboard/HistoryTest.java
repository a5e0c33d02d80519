package dev.drover.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drover.balancer.Metrics;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistoryTest {
  private static final int BUCKETS = Metrics.latencyBounds().length + 1;

  private static History.Counters counters(long nanos, Map<Integer, Long> responses, long[] latency, long limited,
      long queue, long perIp) {
    return new History.Counters(nanos, responses, latency, limited, queue, perIp);
  }

  @Test
  void ratesArePerSecondByStatusClassAndCause() {
    long[] none = new long[BUCKETS];
    History.Counters a = counters(0, Map.of(200, 10L, 404, 1L), none, 5, 0, 0);
    History.Counters b = counters(2_000_000_000L, Map.of(200, 30L, 302, 4L, 404, 1L, 413, 2L, 429, 6L, 503, 8L, 400, 2L),
        none, 11, 8, 3);
    Sample s = History.between(a, b, 42, 7, Map.of(1, 100L));
    assertThat(s.rps2xx()).isEqualTo(10.0);
    assertThat(s.rps3xx()).isEqualTo(2.0);
    assertThat(s.rps4xx()).isEqualTo(5.0); // 413 + 429 + 400 = 10 over 2 s
    assertThat(s.rps5xx()).isEqualTo(4.0);
    assertThat(s.rateLimited()).isEqualTo(3.0);
    assertThat(s.queueFull()).isEqualTo(4.0);
    assertThat(s.tooLarge()).isEqualTo(1.0);
    assertThat(s.badRequest()).isEqualTo(1.0);
    assertThat(s.headerTooLarge()).isZero();
    assertThat(s.perIpRefused()).isEqualTo(1.5);
    assertThat(s.inFlight()).isEqualTo(7);
    assertThat(s.rssBytes()).containsEntry(1, 100L);
    assertThat(s.timeMillis()).isEqualTo(42);
  }

  @Test
  void percentilesInterpolateInsideTheHistogramsBuckets() {
    double[] bounds = Metrics.latencyBounds(); // 1 ms, 2.5 ms, 5 ms, 10 ms, …
    long[] buckets = new long[BUCKETS];
    buckets[0] = 50;  // ≤ 1 ms
    buckets[3] = 49;  // 5–10 ms
    buckets[BUCKETS - 1] = 1; // beyond the largest bound
    assertThat(History.percentileMillis(buckets, 0.5)).isEqualTo(1.0);
    assertThat(History.percentileMillis(buckets, 0.25)).isEqualTo(0.5);
    assertThat(History.percentileMillis(buckets, 0.99)).isEqualTo(10.0);
    assertThat(History.percentileMillis(buckets, 1.0)).isEqualTo(bounds[bounds.length - 1] * 1000);
    assertThat(History.percentileMillis(new long[BUCKETS], 0.99)).isZero();
  }

  @Test
  void theRingKeepsTheLastFiveMinutes() {
    History h = new History();
    for (int i = 0; i < History.KEEP + 25; i++) {
      h.add(new Sample(i, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of()));
    }
    assertThat(h.all()).hasSize(History.KEEP);
    assertThat(h.all().get(0).timeMillis()).isEqualTo(25);
  }
}
