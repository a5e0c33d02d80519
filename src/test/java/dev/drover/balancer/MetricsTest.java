package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void responsesAreCountedByStatusAndLatencyBucket() {
    Metrics m = new Metrics();
    m.response(200, 1_000_000); // exactly 1 ms: "le" means less than or equal
    m.response(200, 1_000_001);
    m.response(503, 11_000_000_000L);
    m.response(404, 0);

    assertThat(m.responses()).containsExactly(Map.entry(200, 2L), Map.entry(404, 1L), Map.entry(503, 1L));
    long[] counts = m.latencyCounts();
    assertThat(counts).hasSize(Metrics.LATENCY_BUCKETS.length + 1);
    assertThat(counts[0]).isEqualTo(2);
    assertThat(counts[1]).isEqualTo(1);
    assertThat(counts[counts.length - 1]).as("above the largest bound").isEqualTo(1);
    assertThat(m.latencySumSeconds()).isCloseTo(11.002000001, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void aStatusUndertowWouldRefuseIsStillCounted() {
    Metrics m = new Metrics();
    m.response(1000, 1);
    m.response(-1, 1);

    assertThat(m.responses()).containsExactly(Map.entry(0, 2L));
  }

  @Test
  void inFlightGoesUpAndDown() {
    Metrics m = new Metrics();
    m.requestStarted();
    m.requestStarted();
    m.requestEnded();

    assertThat(m.inFlightCount()).isEqualTo(1);
  }
}
