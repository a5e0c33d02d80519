package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pool changes while traffic flows, the way the supervisor changes it on reload, scale and crash. */
class BalancerChurnTest {
  private static final int THREADS = 4;
  private static final int PER_THREAD = 500;
  private static final int TOTAL = THREADS * PER_THREAD;

  private final List<AutoCloseable> closing = new ArrayList<>();
  private final List<String> reported = new CopyOnWriteArrayList<>();
  private Balancer balancer;

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    if (balancer != null) {
      balancer.stop(Duration.ofSeconds(2));
    }
  }

  private TestBackend backend(String id) {
    TestBackend b = TestBackend.start(id);
    closing.add(b);
    return b;
  }

  /** Starts a balancer routing to {@code backends} and the load against it. */
  private TestLoad load(String strategy, TestBackend... backends) {
    balancer = new Balancer(TestSettings.balancer().strategy(strategy).build(), (id, why) -> reported.add(id + ": " + why));
    for (TestBackend b : backends) {
      balancer.admit(b.id, b.uri());
    }
    balancer.start();
    TestClient client = new TestClient(balancer.boundAddress());
    closing.add(client);
    TestLoad load = new TestLoad(client, THREADS, PER_THREAD);
    closing.add(load);
    return load;
  }

  @ParameterizedTest
  @ValueSource(strings = {"round_robin", "least_connections"})
  void admitRetireAndRemoveUnderLoadCostNoRequest(String strategy) throws Exception {
    TestBackend a = backend("a");
    TestBackend b = backend("b");
    TestBackend c = backend("c");
    TestLoad load = load(strategy, a, b);

    load.awaitCompleted(TOTAL / 5);
    balancer.admit("c", c.uri());

    load.awaitCompleted(TOTAL * 2 / 5);
    balancer.retire("a");
    long hitsAtRetire = a.hits();
    int inFlightAtRetire = balancer.inFlight("a");
    BalancerTest.awaitTrue(() -> balancer.inFlight("a") == 0);
    long hitsDrained = a.hits();
    long servedByA = balancer.requests("a");

    load.awaitCompleted(TOTAL * 3 / 5);
    assertThat(load.running()).as("changes happened under load").isTrue();
    balancer.remove("a");
    load.join(60);

    assertThat(load.failures).isEmpty();
    assertThat(load.completed).hasValue(TOTAL);
    assertThat(a.hits()).as("only requests already in flight reach a retired backend")
        .isLessThanOrEqualTo(hitsAtRetire + inFlightAtRetire)
        .isEqualTo(hitsDrained)
        .isEqualTo(servedByA)
        .isEqualTo(load.served("a"));
    assertThat(c.hits()).as("the admitted backend takes its share").isPositive();
    assertThat(a.hits() + b.hits() + c.hits()).isEqualTo(TOTAL);
    BalancerTest.eventually(() -> {
      assertThat(balancer.requests("b") + balancer.requests("c")).isEqualTo(TOTAL - servedByA);
      assertThat(balancer.inFlight("b") + balancer.inFlight("c")).isZero();
    });
    assertThat(balancer.backends()).containsExactly("b", "c");
    assertThat(reported).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"round_robin", "least_connections"})
  void backendStoppedAbruptlyUnderLoadCostsNoGet(String strategy) throws Exception {
    TestBackend a = backend("a");
    TestBackend b = backend("b");
    TestBackend c = backend("c");
    TestLoad load = load(strategy, a, b, c);

    load.awaitCompleted(TOTAL / 4);
    b.stopAbruptly();
    long bHitsAtStop = b.hits();
    assertThat(load.running()).as("stopped under load").isTrue();
    load.join(60);

    assertThat(load.failures).isEmpty();
    assertThat(load.completed).hasValue(TOTAL);
    BalancerTest.awaitTrue(() -> !reported.isEmpty());
    assertThat(reported).hasSize(1).allSatisfy(r -> assertThat(r).startsWith("b: "));
    assertThat(load.served("a") + load.served("b") + load.served("c")).isEqualTo(TOTAL);
    assertThat(load.served("a")).isGreaterThan(TOTAL / 4);
    assertThat(load.served("c")).isGreaterThan(TOTAL / 4);
    assertThat(load.served("b")).isLessThanOrEqualTo((int) bHitsAtStop);
    BalancerTest.eventually(() -> {
      assertThat(balancer.requests("a") + balancer.requests("b") + balancer.requests("c")).isEqualTo(TOTAL);
      assertThat(balancer.inFlight("a") + balancer.inFlight("b") + balancer.inFlight("c")).isZero();
    });
    Map<String, Integer> healthy = new HashMap<>(a.requestIds);
    c.requestIds.forEach((id, n) -> healthy.merge(id, n, Integer::sum));
    assertThat(healthy.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey))
        .as("requests sent to a healthy backend twice").isEmpty();
    assertThat(healthy).hasSize(TOTAL - load.served("b"));
  }
}
