package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LeastConnectionsTest {
  private final LeastConnections strategy = new LeastConnections();

  private static Backend backend(String id, int inFlight) {
    Backend b = new Backend(id, URI.create("http://127.0.0.1:1"), 1);
    for (int i = 0; i < inFlight; i++) {
      b.enter();
    }
    return b;
  }

  @Test
  void picksTheBackendWithFewestRequestsOutstanding() {
    Backend[] rotation = {backend("a", 3), backend("b", 1), backend("c", 2)};

    for (int i = 0; i < 5; i++) {
      assertThat(strategy.pick(rotation, BackendPool.NONE).id()).isEqualTo("b");
    }
  }

  @Test
  void tiesTakeTurns() {
    Backend[] rotation = {backend("a", 1), backend("b", 1), backend("c", 1)};
    Set<String> picked = new HashSet<>();

    for (int i = 0; i < 3; i++) {
      picked.add(strategy.pick(rotation, BackendPool.NONE).id());
    }

    assertThat(picked).containsExactlyInAnyOrder("a", "b", "c");
  }

  @Test
  void skipsAvoidedAndUnroutableBackends() {
    Backend a = backend("a", 0);
    Backend b = backend("b", 5);
    Backend c = backend("c", 0);
    c.state(Backend.State.RETIRED);

    assertThat(strategy.pick(new Backend[] {a, b, c}, new Backend[] {a})).isSameAs(b);
    assertThat(strategy.pick(new Backend[] {a, b, c}, new Backend[] {a, b})).isNull();
    assertThat(strategy.pick(BackendPool.NONE, BackendPool.NONE)).isNull();
  }
}
