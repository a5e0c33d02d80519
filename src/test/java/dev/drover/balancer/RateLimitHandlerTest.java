package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.drover.config.BalancerSettings;
import dev.drover.config.ConfigException;
import dev.drover.config.Rate;
import dev.drover.config.RateLimitSettings;
import dev.drover.config.RouteRule;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Rate limits through a real balancer on 127.0.0.1, with clients on 127.0.0.1 and 127.0.0.2. */
class RateLimitHandlerTest {
  private final List<AutoCloseable> closing = new ArrayList<>();
  private Balancer balancer;
  private TestBackend backend;

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    if (balancer != null) {
      balancer.stop(Duration.ofSeconds(2));
    }
    if (backend != null) {
      backend.close();
    }
  }

  private static RateLimitSettings limits(String rate, int burst, RouteRule... routes) {
    return new RateLimitSettings(true, Rate.parse(rate), burst, List.of(routes));
  }

  private static RouteRule route(String method, String path, String rate) {
    return new RouteRule(path, method, Rate.parse(rate), 0);
  }

  private InetSocketAddress start(BalancerSettings settings) {
    backend = TestBackend.start("a");
    balancer = new Balancer(settings, (id, why) -> { });
    balancer.admit(backend.id, backend.uri());
    balancer.start();
    return balancer.boundAddress();
  }

  private TestConnection connect(String localAddress) {
    TestConnection c = TestConnection.open(balancer.boundAddress(), localAddress);
    closing.add(c);
    return c;
  }

  /** Status codes in order of asking. */
  private static List<Integer> statuses(TestConnection c, int n, String method, String path, String... headers) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(c.send(method, path, headers).status());
    }
    return out;
  }

  private static Map<Integer, Integer> count(List<Integer> statuses) {
    Map<Integer, Integer> out = new TreeMap<>();
    statuses.forEach(s -> out.merge(s, 1, Integer::sum));
    return out;
  }

  @Test
  void aFloodingClientIsRefusedWhileAnotherAddressIsServed() throws Exception {
    start(TestSettings.balancer().rateLimit(limits("20/minute", 0)).build());
    TestConnection flooder = connect("127.0.0.1");
    TestConnection calm = connect("127.0.0.2");
    AtomicBoolean flooding = new AtomicBoolean(true);
    CompletableFuture<List<Integer>> flood = CompletableFuture.supplyAsync(() -> {
      List<Integer> out = new ArrayList<>();
      while (flooding.get() && out.size() < 20_000) {
        out.add(flooder.get("/").status());
      }
      return out;
    });

    List<Integer> calmStatuses = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Thread.sleep(50);
      calmStatuses.add(calm.get("/").status());
    }
    flooding.set(false);
    List<Integer> flooded = flood.get(10, TimeUnit.SECONDS);

    assertThat(calmStatuses).containsOnly(200);
    Map<Integer, Integer> byStatus = count(flooded);
    assertThat(byStatus).containsOnlyKeys(200, 429);
    assertThat(byStatus.get(200)).isBetween(20, 21); // the burst, plus one token if 3 s went by
    assertThat(byStatus.get(429)).isGreaterThan(100);
    assertThat(balancer.metrics().rateLimitedCount()).isEqualTo(byStatus.get(429).longValue());
    assertThat(backend.hits()).as("refused requests never reach a worker").isEqualTo(byStatus.get(200) + 10L);
  }

  @Test
  void aRouteRuleLimitsItsMethodAndPathOnly() {
    start(TestSettings.balancer().rateLimit(limits("1000/minute", 0, route("POST", "/login", "3/minute"))).build());
    TestConnection c = connect("127.0.0.1");

    assertThat(statuses(c, 5, "POST", "/login")).containsExactly(200, 200, 200, 429, 429);
    TestConnection.Response refused = c.send("POST", "/login");
    assertThat(refused.header("RateLimit-Limit")).isEqualTo("3");
    assertThat(c.send("POST", "//x/../login").status()).as("the canonical path meets the rule").isEqualTo(429);

    assertThat(statuses(c, 10, "GET", "/login")).containsOnly(200);
    assertThat(statuses(c, 10, "POST", "/other")).containsOnly(200);
    assertThat(statuses(c, 10, "POST", "/login/more")).containsOnly(200);
    assertThat(c.get("/login").header("RateLimit-Limit")).isEqualTo("1000");
  }

  @Test
  void aPrefixRuleWithoutMethodCountsEveryMethodUnderIt() {
    start(TestSettings.balancer().rateLimit(limits("1000/minute", 0, route("", "/api/*", "2/minute"))).build());
    TestConnection c = connect("127.0.0.1");

    assertThat(c.get("/api/a").status()).isEqualTo(200);
    assertThat(c.send("DELETE", "/api/b").status()).isEqualTo(200);
    assertThat(c.send("POST", "/api/c/d").status()).isEqualTo(429);
    assertThat(statuses(c, 5, "GET", "/apix")).containsOnly(200);
  }

  @Test
  void aRequestRefusedByARouteGivesItsDefaultTokenBack() {
    start(TestSettings.balancer().rateLimit(limits("5/minute", 0, route("POST", "/login", "1/minute"))).build());
    TestConnection c = connect("127.0.0.1");

    assertThat(c.send("POST", "/login").status()).isEqualTo(200);
    assertThat(statuses(c, 20, "POST", "/login")).containsOnly(429);

    // the first login took one default token; the twenty refused ones took none
    assertThat(statuses(c, 5, "GET", "/")).containsExactly(200, 200, 200, 200, 429);
  }

  @Test
  void forgedForwardedForFromAnUntrustedPeerSharesThePeersBucket() {
    // a trusted list that does not name 127.0.0.1: its headers stay unbelieved
    start(TestSettings.balancer().trustedProxies("10.0.0.0/8").rateLimit(limits("50/minute", 0)).build());
    TestConnection c = connect("127.0.0.1");

    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      out.add(c.get("/", "X-Forwarded-For: 198.51." + (i >> 8) + "." + (i & 0xff)).status());
    }

    Map<Integer, Integer> byStatus = count(out);
    assertThat(byStatus.get(200)).isBetween(50, 52);
    assertThat(byStatus.get(429)).isEqualTo(10_000 - byStatus.get(200));
  }

  @Test
  void forwardedForFromATrustedProxyNamesDistinctClients() {
    start(TestSettings.balancer().trustedProxies("127.0.0.1", "10.0.0.0/8").rateLimit(limits("1/minute", 0)).build());
    TestConnection c = connect("127.0.0.1");

    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      out.add(c.get("/", "X-Forwarded-For: 6.6.6.6, 198.51." + (i >> 8) + "." + (i & 0xff) + ", 10.1.2.3").status());
    }

    assertThat(out).containsOnly(200);
    assertThat(c.get("/", "X-Forwarded-For: 198.51.0.0").status()).isEqualTo(429);
    assertThat(c.get("/", "X-Forwarded-For: 7.7.7.7, 198.51.0.0").status()).as("left of the client proves nothing")
        .isEqualTo(429);
    // a client without the header is the proxy itself
    assertThat(c.get("/").status()).isEqualTo(200);
    assertThat(c.get("/").status()).isEqualTo(429);
  }

  @Test
  void answersCarryTheDraftHeadersAndRefusalsRetryAfter() {
    start(TestSettings.balancer().rateLimit(limits("2/minute", 0)).build());
    TestConnection c = connect("127.0.0.1");

    TestConnection.Response first = c.get("/", "Accept: */*");
    TestConnection.Response second = c.get("/");
    TestConnection.Response refused = c.get("/");

    assertThat(first.status()).isEqualTo(200);
    assertThat(first.body()).isEqualTo("a");
    assertThat(first.header("RateLimit-Limit")).isEqualTo("2");
    assertThat(first.header("RateLimit-Remaining")).isEqualTo("1");
    assertThat(second.header("RateLimit-Remaining")).isEqualTo("0");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.header("RateLimit-Limit")).isEqualTo("2");
    assertThat(refused.header("RateLimit-Remaining")).isEqualTo("0");
    // one token every 30 s; the bucket is full again 60 s after the first request
    assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(28, 30);
    assertThat(Integer.parseInt(refused.header("RateLimit-Reset"))).isBetween(58, 60);
    assertThat(refused.header("Content-Type")).startsWith("text/plain");
    assertThat(refused.body()).startsWith("429 Too Many Requests").hasSizeLessThan(200);
  }

  @Test
  void retryAfterRoundsUpToWholeSeconds() {
    start(TestSettings.balancer().rateLimit(limits("10/second", 1)).build());
    TestConnection c = connect("127.0.0.1");

    assertThat(c.get("/").status()).isEqualTo(200);
    TestConnection.Response refused = c.get("/");

    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.header("Retry-After")).as("0.1 s rounds up, never to 0").isEqualTo("1");
    assertThat(refused.header("RateLimit-Limit")).isEqualTo("1");
  }

  @Test
  void disabledLimitsNothing() {
    RateLimitSettings off = new RateLimitSettings(false, Rate.parse("1/minute"), 0,
        List.of(route("GET", "/", "1/minute")));
    start(TestSettings.balancer().rateLimit(off).build());
    TestConnection c = connect("127.0.0.1");

    List<TestConnection.Response> out = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      out.add(c.get("/"));
    }

    assertThat(out).allSatisfy(r -> {
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("RateLimit-Limit")).isNull();
    });
    assertThat(balancer.metrics().rateLimitedCount()).isZero();
  }

  @Test
  void reconfigureChangesTheLimitOnAnOpenKeepAliveConnection() {
    TestSettings settings = TestSettings.balancer().rateLimit(limits("3/minute", 0));
    start(settings.build());
    TestConnection c = connect("127.0.0.1");
    int port = c.localPort();
    assertThat(statuses(c, 4, "GET", "/")).containsExactly(200, 200, 200, 429);

    balancer.reconfigure(settings.rateLimit(limits("3/minute", 0, route("POST", "/login", "1/minute"))).build());
    assertThat(c.get("/").status()).as("an unchanged limit keeps its buckets").isEqualTo(429);

    balancer.reconfigure(settings.rateLimit(limits("100/minute", 0)).build());
    TestConnection.Response raised = c.get("/");
    assertThat(raised.status()).as("a changed limit starts fresh").isEqualTo(200);
    assertThat(raised.header("RateLimit-Limit")).isEqualTo("100");
    assertThat(raised.header("RateLimit-Remaining")).isEqualTo("99");

    assertThatThrownBy(() -> balancer.reconfigure(settings.trustedProxies("proxy.example").build()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("balancer.trusted_proxies");
    assertThat(c.get("/").header("RateLimit-Remaining")).as("a refused reload changes nothing").isEqualTo("98");

    balancer.reconfigure(settings.trustedProxies().rateLimit(new RateLimitSettings(false, Rate.parse("1/minute"), 0,
        List.of())).build());
    assertThat(statuses(c, 10, "GET", "/")).containsOnly(200);
    assertThat(c.localPort()).as("every request went over the first connection").isEqualTo(port);
  }
}
