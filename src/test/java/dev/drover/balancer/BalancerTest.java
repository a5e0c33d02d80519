package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.drover.config.BalancerSettings;
import dev.drover.config.DataSize;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BalancerTest {
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private Balancer balancer;
  private TestClient client;

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) {
      client.close();
    }
    if (balancer != null) {
      balancer.stop(Duration.ofSeconds(2));
    }
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private Balancer start(BalancerSettings settings, TestBackend... backends) {
    balancer = new Balancer(settings, (id, reason) -> failures.add(id + ": " + reason));
    for (TestBackend b : backends) {
      balancer.admit(b.id, b.uri());
    }
    balancer.start();
    client = new TestClient(balancer.boundAddress());
    return balancer;
  }

  private TestBackend backend(String id) {
    TestBackend b = TestBackend.start(id);
    closing.add(b);
    return b;
  }

  @Test
  void roundRobinSpreadsRequestsEvenly() {
    TestBackend a = backend("a");
    TestBackend b = backend("b");
    TestBackend c = backend("c");
    start(TestSettings.balancer().strategy("round_robin").build(), a, b, c);

    Map<String, Integer> byBackend = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      HttpResponse<String> r = client.get("/");
      assertThat(r.statusCode()).isEqualTo(200);
      byBackend.merge(r.body(), 1, Integer::sum);
    }

    assertThat(byBackend).containsOnlyKeys("a", "b", "c");
    assertThat(byBackend.values()).allSatisfy(n -> assertThat(n).isBetween(95, 105));
    eventually(() -> assertThat(balancer.requests("a") + balancer.requests("b") + balancer.requests("c")).isEqualTo(300));
    assertThat(balancer.requests("a")).isEqualTo(a.hits());
  }

  @Test
  void leastConnectionsSendsToTheIdleBackendWhileAnotherIsBusy() throws Exception {
    TestBackend a = backend("a");
    TestBackend b = backend("b");
    start(TestSettings.balancer().strategy("least_connections").build(), a, b);

    CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> client.get("/sleep/1500"));
    awaitTrue(() -> balancer.inFlight("a") + balancer.inFlight("b") == 1);
    String busy = balancer.inFlight("a") == 1 ? "a" : "b";
    String idle = busy.equals("a") ? "b" : "a";

    Map<String, Integer> byBackend = new HashMap<>();
    for (int i = 0; i < 20; i++) {
      byBackend.merge(client.get("/").body(), 1, Integer::sum);
    }

    assertThat(byBackend).containsOnly(Map.entry(idle, 20));
    assertThat(slow.get(5, TimeUnit.SECONDS).body()).isEqualTo(busy);
    awaitTrue(() -> balancer.inFlight("a") + balancer.inFlight("b") == 0);
  }

  @Test
  void backendSeesForwardedHeadersRequestIdAndTheClientsHost() {
    TestBackend a = backend("a");
    start(TestSettings.balancer().build(), a);

    String answer = client.raw("GET /headers HTTP/1.1\r\nHost: shop.example:8443\r\n"
        + "X-Forwarded-For: 203.0.113.9\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: evil.example\r\n"
        + "X-Request-Id: abc-123\r\nConnection: close\r\n\r\n");

    assertThat(answer).startsWith("HTTP/1.1 200");
    assertThat(answer).containsIgnoringCase("X-Request-Id: abc-123\r\n");
    String seen = answer.substring(answer.indexOf("\r\n\r\n") + 4);
    assertThat(seen.lines()).contains(
        "Host: shop.example:8443",
        "X-Forwarded-For: 203.0.113.9,127.0.0.1",
        "X-Forwarded-Proto: http",
        "X-Request-Id: abc-123");
    // the forged X-Forwarded-Host is gone, and the true one would only repeat Host: a worker reads Host instead
    assertThat(seen.toLowerCase(java.util.Locale.ROOT))
        .doesNotContain("x-forwarded-port", "x-forwarded-server", "x-forwarded-host", "evil.example");
  }

  @Test
  void aTrustedProxysForwardedHostPassesOnlyWhenItNamesAnotherHost() {
    TestBackend a = backend("a");
    start(TestSettings.balancer().trustedProxies("127.0.0.0/8").build(), a);

    String same = client.raw("GET /headers HTTP/1.1\r\nHost: shop.example\r\nX-Forwarded-Host: shop.example\r\n"
        + "Connection: close\r\n\r\n");
    String other = client.raw("GET /headers HTTP/1.1\r\nHost: 10.0.0.5:8080\r\nX-Forwarded-Host: shop.example\r\n"
        + "Connection: close\r\n\r\n");

    String seenSame = same.substring(same.indexOf("\r\n\r\n") + 4);
    assertThat(seenSame.lines()).contains("Host: shop.example");
    assertThat(seenSame.toLowerCase(java.util.Locale.ROOT)).doesNotContain("x-forwarded-host");
    assertThat(other.substring(other.indexOf("\r\n\r\n") + 4).lines())
        .contains("Host: 10.0.0.5:8080", "X-Forwarded-Host: shop.example");
  }

  @Test
  void trustedProxyKeepsItsForwardedProto() {
    TestBackend a = backend("a");
    start(TestSettings.balancer().trustedProxies("127.0.0.0/8").build(), a);

    String answer = client.raw("GET /headers HTTP/1.1\r\nHost: shop.example\r\nX-Forwarded-Proto: https\r\n"
        + "X-Forwarded-Host: www.shop.example\r\nX-Forwarded-Port: 443\r\nConnection: close\r\n\r\n");

    String seen = answer.substring(answer.indexOf("\r\n\r\n") + 4);
    assertThat(seen.lines()).contains("X-Forwarded-Proto: https", "X-Forwarded-Host: www.shop.example",
        "X-Forwarded-For: 127.0.0.1", "X-Forwarded-Port: 443");
    assertThat(seen.toLowerCase(java.util.Locale.ROOT)).doesNotContain("x-forwarded-server", "x-forwarded-proto: http\n");
    assertThat(balancer.metrics().handedOverCount()).as("a trusted proxy's fields are the fast path's too").isZero();
  }

  @Test
  void insaneRequestIdIsReplacedAndReturnedToTheClient() {
    TestBackend a = backend("a");
    start(TestSettings.balancer().build(), a);

    HttpResponse<String> r = client.send(HttpRequest.newBuilder(client.uri("/headers"))
        .header("X-Request-Id", "<script>alert(1)</script>").build());

    String id = r.headers().firstValue("X-Request-Id").orElseThrow();
    assertThat(id).matches("[0-9a-f]{32}");
    assertThat(r.body().lines()).contains("X-Request-Id: " + id);
  }

  @Test
  void noBackendAnswers503WithRetryAfter() {
    start(TestSettings.balancer().build());

    HttpResponse<String> plain = client.get("/");
    HttpResponse<String> html = client.send(HttpRequest.newBuilder(client.uri("/")).header("Accept", "text/html").build());

    assertThat(plain.statusCode()).isEqualTo(503);
    assertThat(plain.headers().firstValue("Retry-After")).contains("1");
    assertThat(plain.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    assertThat(plain.body()).startsWith("503 Service Unavailable: ");
    assertThat(html.statusCode()).isEqualTo(503);
    assertThat(html.body()).contains("<h1>503 Service Unavailable</h1>");
  }

  @Test
  void retiredOnlyBackendMeans503() {
    TestBackend a = backend("a");
    start(TestSettings.balancer().build(), a);
    balancer.retire("a");

    assertThat(client.get("/").statusCode()).isEqualTo(503);
    assertThat(a.hits()).isZero();
    assertThat(balancer.backends()).containsExactly("a");

    balancer.admit("a", a.uri());
    assertThat(client.get("/").body()).isEqualTo("a");
  }

  @Test
  void backendSlowerThanUpstreamTimeoutGives504AndTheBalancerCarriesOn() {
    TestBackend a = backend("a");
    start(TestSettings.balancer().upstreamTimeout(Duration.ofMillis(300)).build(), a);

    long t0 = System.nanoTime();
    HttpResponse<String> r = client.get("/sleep/1500");
    long tookMillis = (System.nanoTime() - t0) / 1_000_000;

    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(r.body()).startsWith("504 Gateway Time-out: ");
    assertThat(tookMillis).isBetween(250L, 1400L);
    eventually(() -> assertThat(balancer.inFlight("a")).isZero());
    assertThat(client.get("/").body()).isEqualTo("a");
    assertThat(failures).isEmpty();
  }

  @Test
  void internalPathsAre404AndNeverReachABackend() {
    TestBackend a = backend("a");
    start(TestSettings.balancer().build(), a);

    for (String path : List.of("/_drover/health", "/_drover", "/%5Fdrover/health", "/x/../_drover/health",
        "//_drover/health", "/_DROVER/health")) {
      HttpResponse<String> r = client.get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
    }
    assertThat(a.hits()).isZero();
    assertThat(client.get("/_droverish").statusCode()).isEqualTo(200);
  }

  @Test
  void bodyAboveMaxBodyIs413() {
    TestBackend a = backend("a");
    start(TestSettings.balancer().maxBody(DataSize.parse("1KB")).build(), a);

    HttpResponse<String> small = client.send(HttpRequest.newBuilder(client.uri("/echo"))
        .POST(HttpRequest.BodyPublishers.ofString("x".repeat(1000))).build());
    String big = client.raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n" + "x".repeat(2000));

    assertThat(small.statusCode()).isEqualTo(200);
    assertThat(small.body()).isEqualTo("a 1000");
    assertThat(big).startsWith("HTTP/1.1 413");
    assertThat(a.hits()).isEqualTo(1);
  }

  @Test
  void requestHeadAboveMaxHeaderSizeNeverReachesABackend() {
    TestBackend a = backend("a");
    start(TestSettings.balancer().build(), a);

    String answer = client.raw("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "x".repeat(16 * 1024)
        + "\r\nConnection: close\r\n\r\n");

    assertThat(answer).startsWith("HTTP/1.1 431");
    assertThat(a.hits()).isZero();
  }

  @Test
  void backendThatRefusesIsReportedAndAnswered502WhenNoOtherIsLeft() {
    TestBackend a = backend("a");
    start(TestSettings.balancer().build(), a);
    assertThat(client.get("/").statusCode()).isEqualTo(200);
    a.stopAbruptly();

    HttpResponse<String> r = client.get("/");

    assertThat(r.statusCode()).isEqualTo(502);
    awaitTrue(() -> failures.size() == 1);
    assertThat(failures.get(0)).startsWith("a: ");
    assertThat(client.get("/").statusCode()).as("out of rotation now").isEqualTo(503);
    eventually(() -> assertThat(balancer.inFlight("a")).isZero());
  }

  @Test
  void headAndOtherBodilessAnswersPassThroughUntouched() {
    TestBackend a = backend("a");
    start(TestSettings.balancer().build(), a);

    HttpResponse<String> head = client.send(HttpRequest.newBuilder(client.uri("/"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Content-Type")).contains("text/plain");
    eventually(() -> assertThat(balancer.requests("a")).isEqualTo(1));
  }

  @Test
  void droppedPostIsNotRetriedAndAnswered502() {
    TestBackend a = backend("a");
    TestBackend b = backend("b");
    start(TestSettings.balancer().build(), a, b);

    HttpResponse<String> r = client.send(HttpRequest.newBuilder(client.uri("/drop"))
        .POST(HttpRequest.BodyPublishers.ofString("order=1")).build());

    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body()).startsWith("502 Bad Gateway: ");
    assertThat(a.drops.get() + b.drops.get()).as("sent once, never twice").isEqualTo(1);
    eventually(() -> assertThat(balancer.inFlight("a") + balancer.inFlight("b")).isZero());
  }

  @Test
  void droppedGetIsRetriedButAHealthyBackendIsNotBlamed() {
    TestBackend a = backend("a");
    TestBackend b = backend("b");
    start(TestSettings.balancer().build(), a, b);

    HttpResponse<String> r = client.get("/drop");

    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(a.drops.get() + b.drops.get()).isEqualTo(1 + UpstreamHandler.MAX_RETRIES);
    assertThat(a.drops.get()).isPositive();
    assertThat(b.drops.get()).isPositive();
    assertThat(failures).as("both still accept connections").isEmpty();
    assertThat(client.get("/").statusCode()).isEqualTo(200);
    assertThat(client.get("/").statusCode()).isEqualTo(200);
    assertThat(a.hits() - a.drops.get()).isPositive();
    assertThat(b.hits() - b.drops.get()).isPositive();
  }

  @Test
  void stopLetsRequestsInFlightFinishAndRefusesNewConnections() throws Exception {
    TestBackend a = backend("a");
    start(TestSettings.balancer().build(), a);
    CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> client.get("/sleep/400"));
    awaitTrue(() -> balancer.inFlight("a") == 1);
    int port = balancer.boundAddress().getPort();

    balancer.stop(Duration.ofSeconds(5));

    assertThat(slow.get(1, TimeUnit.SECONDS).body()).isEqualTo("a");
    assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", port).close()).isInstanceOf(java.io.IOException.class);
    balancer = null;
  }

  @Test
  void stopGivesUpOnRequestsThatOutlastTheGrace() {
    TestBackend a = backend("a");
    start(TestSettings.balancer().build(), a);
    CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> client.get("/sleep/2500"));
    awaitTrue(() -> balancer.inFlight("a") == 1);

    long t0 = System.nanoTime();
    balancer.stop(Duration.ofMillis(200));
    long tookMillis = (System.nanoTime() - t0) / 1_000_000;

    assertThat(tookMillis).isBetween(200L, 1500L);
    assertThat(slow).failsWithin(Duration.ofSeconds(1));
    assertThat(balancerThreads()).isEmpty();
    assertThat(failures).as("closing connections on stop is no backend failure").isEmpty();
    balancer = null;
  }

  @Test
  void admitChecksTheAddress() {
    start(TestSettings.balancer().build());
    balancer.admit("a", URI.create("http://127.0.0.1:1"));

    assertThatThrownBy(() -> balancer.admit("b", URI.create("http://127.0.0.1:2/app")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http://host:port");
    assertThatThrownBy(() -> balancer.admit("a", URI.create("http://127.0.0.1:3")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("remove it before");
    balancer.remove("a");
    balancer.admit("a", URI.create("http://127.0.0.1:3"));
    assertThat(balancer.backends()).containsExactly("a");
  }

  @Test
  void stopLeavesNoThreadBehind() {
    TestBackend a = backend("a");
    start(TestSettings.balancer().build(), a);
    assertThat(client.get("/").statusCode()).isEqualTo(200);
    assertThat(balancerThreads()).isNotEmpty();

    balancer.stop();

    awaitTrue(() -> balancerThreads().isEmpty());
    balancer = null;
  }

  @Test
  void threadsMadeAheadServeOnceItListensAndAreGoneOnStop() {
    TestBackend a = backend("a");
    balancer = new Balancer(TestSettings.balancer().build(), (id, reason) -> failures.add(id + ": " + reason));
    balancer.prepare();
    assertThat(balancerThreads()).as("threads made ahead").isNotEmpty();
    assertThatThrownBy(balancer::boundAddress).as("not listening before start").isInstanceOf(IllegalStateException.class);
    balancer.admit("a", a.uri());
    balancer.start();
    client = new TestClient(balancer.boundAddress());
    assertThat(client.get("/").statusCode()).isEqualTo(200);

    balancer.stop();

    awaitTrue(() -> balancerThreads().isEmpty());
    balancer = null;
  }

  @Test
  void aStartOnATakenPortFailsAndLeavesNoThreadBehind() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      balancer = new Balancer(TestSettings.balancer()
          .listen(new dev.drover.config.HostPort("127.0.0.1", taken.getLocalPort())).build(), (id, reason) -> { });
      balancer.prepare();

      assertThatThrownBy(balancer::start).hasMessageContaining("cannot listen");

      awaitTrue(() -> balancerThreads().isEmpty());
      balancer.stop();
      balancer = null;
    }
  }

  @Test
  void threadsMadeAheadOfAStartThatNeverCameAreGoneOnStop() {
    balancer = new Balancer(TestSettings.balancer().build(), (id, reason) -> failures.add(id + ": " + reason));
    balancer.prepare();
    assertThat(balancerThreads()).isNotEmpty();

    balancer.stop();

    awaitTrue(() -> balancerThreads().isEmpty());
    balancer = null;
  }

  static List<String> balancerThreads() {
    List<String> names = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && t.getName().startsWith(Balancer.THREAD_NAME)) {
        names.add(t.getName());
      }
    }
    return names;
  }

  /** Counters settle a moment after the client has its answer: retries {@code assertion} for up to 5 s. */
  static void eventually(Runnable assertion) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      try {
        assertion.run();
        return;
      } catch (AssertionError e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Waits for a condition; generous, since a loaded 2-core machine can be slow to get there, not wrong. */
  static void awaitTrue(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 30 s");
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
