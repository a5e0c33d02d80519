package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundRobinTest {
  private final RoundRobin strategy = new RoundRobin();

  private static Backend backend(String id) {
    return new Backend(id, URI.create("http://127.0.0.1:1"), 1);
  }

  @Test
  void takesTurnsWhateverTheLoad() {
    Backend a = backend("a");
    Backend b = backend("b");
    Backend c = backend("c");
    for (int i = 0; i < 10; i++) {
      a.enter();
    }
    Map<String, Integer> counts = new HashMap<>();

    for (int i = 0; i < 30; i++) {
      counts.merge(strategy.pick(new Backend[] {a, b, c}, BackendPool.NONE).id(), 1, Integer::sum);
    }

    assertThat(counts).isEqualTo(Map.of("a", 10, "b", 10, "c", 10));
  }

  @Test
  void walksPastABackendThatJustLeftRotation() {
    Backend a = backend("a");
    Backend b = backend("b");
    b.state(Backend.State.FAILED);

    for (int i = 0; i < 4; i++) {
      assertThat(strategy.pick(new Backend[] {a, b}, BackendPool.NONE)).isSameAs(a);
    }
    assertThat(strategy.pick(new Backend[] {a, b}, new Backend[] {a})).isNull();
  }
}
