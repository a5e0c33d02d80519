package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackendPoolTest {
  private final List<String> reported = new ArrayList<>();

  private BackendPool pool(String strategy, String... ids) {
    BackendPool pool = new BackendPool(Strategy.named(strategy), 2, (id, why) -> reported.add(id), Runnable::run);
    int port = 10_000;
    for (String id : ids) {
      pool.admit(id, URI.create("http://127.0.0.1:" + port++));
    }
    return pool;
  }

  private static Map<String, Integer> spread(BackendPool pool, int requests) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < requests; i++) {
      Backend b = pool.select(BackendPool.NONE);
      counts.merge(b.id(), 1, Integer::sum);
      b.leave();
    }
    return counts;
  }

  @Test
  void roundRobinSharesAFailedBackendsTurnEvenly() {
    BackendPool pool = pool("round_robin", "a", "b", "c", "d");
    pool.fail(pool.find("b"), "refused");

    assertThat(spread(pool, 300)).isEqualTo(Map.of("a", 100, "c", 100, "d", 100));
  }

  @Test
  void selectCountsTheRequestInFlight() {
    BackendPool pool = pool("least_connections", "a");

    Backend first = pool.select(BackendPool.NONE);

    assertThat(first.inFlight()).isEqualTo(1);
    first.leave();
    assertThat(first.inFlight()).isZero();
  }

  @Test
  void retiredAndFailedBackendsAreNeverSelected() {
    BackendPool pool = pool("round_robin", "a", "b", "c");
    pool.retire("a");
    pool.fail(pool.find("b"), "refused");

    assertThat(spread(pool, 10)).isEqualTo(Map.of("c", 10));
    assertThat(pool.ids()).containsExactly("a", "b", "c");
  }

  @Test
  void avoidedBackendsAreSkippedUntilNoneIsLeft() {
    BackendPool pool = pool("least_connections", "a", "b");
    Backend a = pool.find("a");
    Backend b = pool.find("b");

    assertThat(pool.select(new Backend[] {a})).isSameAs(b);
    assertThat(pool.select(new Backend[] {a, b})).isNull();
  }

  @Test
  void aFailureIsReportedOnceUntilTheBackendIsAdmittedAgain() {
    BackendPool pool = pool("round_robin", "a", "b");
    Backend a = pool.find("a");

    pool.fail(a, "refused");
    pool.fail(a, "refused");
    assertThat(reported).containsExactly("a");

    pool.admit("a", a.uri());
    assertThat(spread(pool, 4)).containsEntry("a", 2);
    pool.fail(a, "refused");
    assertThat(reported).containsExactly("a", "a");
  }

  @Test
  void retiredOrRemovedBackendsAreNotReported() {
    BackendPool pool = pool("round_robin", "a", "b");
    Backend a = pool.find("a");
    Backend b = pool.find("b");
    pool.retire("a");
    pool.remove("b");

    pool.fail(a, "refused");
    pool.fail(b, "refused");

    assertThat(reported).isEmpty();
    assertThat(pool.ids()).containsExactly("a");
    assertThat(pool.select(BackendPool.NONE)).isNull();
  }
}
