package dev.drover.balancer;

import static dev.drover.balancer.BalancerTest.awaitTrue;
import static dev.drover.balancer.BalancerTest.balancerThreads;
import static dev.drover.balancer.BalancerTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.drover.config.BalancerSettings;
import dev.drover.config.ConfigException;
import dev.drover.config.DataSize;
import dev.drover.config.DroverException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
  private static final String DURATION = "drover_http_request_duration_seconds";
  private static final List<String> BOUNDS = List.of("0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
      "0.25", "0.5", "1", "2.5", "5", "10", "+Inf");

  private final List<AutoCloseable> closing = new ArrayList<>();
  private Balancer balancer;
  private TestClient client;
  private TestClient scraper;

  @AfterEach
  void tearDown() throws Exception {
    for (TestClient c : new TestClient[] {client, scraper}) {
      if (c != null) {
        c.close();
      }
    }
    if (balancer != null) {
      balancer.stop(Duration.ofSeconds(2));
    }
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  @Test
  void scrapeCountsEveryResponseWhoeverMadeIt() {
    TestBackend a = backend("a");
    start(withAdmin(TestSettings.balancer().maxBody(DataSize.parse("1KB")).build(), "127.0.0.1:0"), a);

    for (int i = 0; i < 5; i++) {
      assertThat(client.get("/").statusCode()).isEqualTo(200);
    }
    assertThat(client.get("/sleep/300").statusCode()).isEqualTo(200);
    assertThat(client.get("/_drover/health").statusCode()).isEqualTo(404);
    assertThat(client.raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")).startsWith("HTTP/1.1 413");
    balancer.retire("a");
    assertThat(client.get("/").statusCode()).isEqualTo(503);

    eventually(() -> assertThat(samples(scrape())).containsEntry(DURATION + "_count", "9"));
    HttpResponse<String> r = scraper.get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
    Map<String, String> s = samples(r.body());

    Map<String, String> responses = withPrefix(s, "drover_http_responses_total");
    assertThat(responses).containsExactly(
        Map.entry("drover_http_responses_total{code=\"200\"}", "6"),
        Map.entry("drover_http_responses_total{code=\"404\"}", "1"),
        Map.entry("drover_http_responses_total{code=\"413\"}", "1"),
        Map.entry("drover_http_responses_total{code=\"503\"}", "1"));

    List<String> bucketKeys = new ArrayList<>(withPrefix(s, DURATION + "_bucket").keySet());
    assertThat(bucketKeys).containsExactlyElementsOf(BOUNDS.stream().map(le -> DURATION + "_bucket{le=\"" + le + "\"}").toList());
    long previous = 0;
    for (String key : bucketKeys) {
      long n = Long.parseLong(s.get(key));
      assertThat(n).as(key + " is cumulative").isGreaterThanOrEqualTo(previous);
      previous = n;
    }
    assertThat(previous).as("+Inf").isEqualTo(9);
    assertThat(s.get(DURATION + "_count")).isEqualTo("9");
    assertThat(Long.parseLong(s.get(DURATION + "_bucket{le=\"0.25\"}"))).as("the 300 ms answer is above 0.25 s").isLessThanOrEqualTo(8);
    assertThat(Double.parseDouble(s.get(DURATION + "_sum"))).isBetween(0.3, 9 * 10.0);

    assertThat(s).containsEntry("drover_rate_limited_total", "0")
        .containsEntry("drover_queue_rejected_total", "0")
        .containsEntry("drover_connections_rejected_total", "0")
        .containsEntry("drover_requests_in_flight", "0");
    assertThat(withPrefix(s, "drover_worker_")).as("no gauges until the owner sets them").isEmpty();
  }

  @Test
  void everyFamilyHasHelpAndTypeBeforeItsSamples() {
    start(withAdmin(TestSettings.balancer().build(), "127.0.0.1:0"));
    balancer.workerGauges(() -> List.of(new WorkerGauge(1, true, 0, 0)));
    assertThat(client.get("/").statusCode()).isEqualTo(503);

    List<String> lines = eventuallyScrape(text -> text.contains("code=\"503\"")).lines().toList();

    Map<String, String> types = new LinkedHashMap<>();
    String family = null;
    for (String line : lines) {
      if (line.startsWith("# HELP ")) {
        family = line.split(" ")[2];
        assertThat(line.split(" ", 4)[3]).as(family + " help").isNotBlank();
      } else if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ");
        assertThat(parts[2]).isEqualTo(family);
        types.put(parts[2], parts[3]);
      } else {
        assertThat(line).as("sample of " + family).startsWith(family);
        assertThat(types).containsKey(family);
      }
    }
    assertThat(types).containsExactly(
        Map.entry("drover_http_responses_total", "counter"),
        Map.entry(DURATION, "histogram"),
        Map.entry("drover_rate_limited_total", "counter"),
        Map.entry("drover_queue_rejected_total", "counter"),
        Map.entry("drover_connections_rejected_total", "counter"),
        Map.entry("drover_connections_handed_over_total", "counter"),
        Map.entry("drover_requests_in_flight", "gauge"),
        Map.entry("drover_admin_refused_total", "counter"),
        Map.entry("drover_worker_up", "gauge"),
        Map.entry("drover_worker_restarts_total", "counter"),
        Map.entry("drover_worker_requests_total", "counter"));
  }

  @Test
  void workerGaugesFromTheOwnerAppearWithLabels() {
    start(withAdmin(TestSettings.balancer().build(), "127.0.0.1:0"));
    AtomicReference<List<WorkerGauge>> workers = new AtomicReference<>(
        List.of(new WorkerGauge(1, true, 0, 42), new WorkerGauge(2, false, 3, 7)));
    balancer.workerGauges(workers::get);

    Map<String, String> s = samples(scrape());

    assertThat(withPrefix(s, "drover_worker_")).containsExactly(
        Map.entry("drover_worker_up{worker=\"1\"}", "1"),
        Map.entry("drover_worker_up{worker=\"2\"}", "0"),
        Map.entry("drover_worker_restarts_total{worker=\"1\"}", "0"),
        Map.entry("drover_worker_restarts_total{worker=\"2\"}", "3"),
        Map.entry("drover_worker_requests_total{worker=\"1\"}", "42"),
        Map.entry("drover_worker_requests_total{worker=\"2\"}", "7"));

    workers.set(List.of(new WorkerGauge(2, true, 4, 9)));
    assertThat(withPrefix(samples(scrape()), "drover_worker_")).as("read on every scrape").containsExactly(
        Map.entry("drover_worker_up{worker=\"2\"}", "1"),
        Map.entry("drover_worker_restarts_total{worker=\"2\"}", "4"),
        Map.entry("drover_worker_requests_total{worker=\"2\"}", "9"));
  }

  @Test
  void failingGaugesFailTheScrapeNotTheBalancer() {
    TestBackend a = backend("a");
    start(withAdmin(TestSettings.balancer().build(), "127.0.0.1:0"), a);
    balancer.workerGauges(() -> {
      throw new IllegalStateException("owner broken");
    });

    assertThat(scraper.get("/metrics").statusCode()).isEqualTo(500);
    assertThat(client.get("/").statusCode()).isEqualTo(200);
    balancer.workerGauges(List::of);
    assertThat(scraper.get("/metrics").statusCode()).isEqualTo(200);
  }

  @Test
  void requestsInFlightShowsASlowRequest() throws Exception {
    TestBackend a = backend("a");
    start(withAdmin(TestSettings.balancer().build(), "127.0.0.1:0"), a);

    CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> client.get("/sleep/800"));
    eventually(() -> assertThat(samples(scrape())).containsEntry("drover_requests_in_flight", "1"));

    assertThat(slow.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    eventually(() -> assertThat(samples(scrape())).containsEntry("drover_requests_in_flight", "0"));
  }

  @Test
  void onlyGetMetricsIsServed() {
    start(withAdmin(TestSettings.balancer().build(), "127.0.0.1:0"));

    assertThat(scraper.get("/").statusCode()).isEqualTo(404);
    assertThat(scraper.get("/metrics/x").statusCode()).isEqualTo(404);
    HttpResponse<String> post = scraper.send(HttpRequest.newBuilder(scraper.uri("/metrics"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
    HttpResponse<String> head = scraper.send(HttpRequest.newBuilder(scraper.uri("/metrics"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(balancer.metrics().responses()).as("the scraper is not a client of the balancer").isEmpty();
  }

  @Test
  void adminOffMeansNothingListens() {
    TestBackend a = backend("a");
    start(TestSettings.balancer().build(), a);

    assertThat(client.get("/").statusCode()).isEqualTo(200);
    assertThat(balancer.adminAddress()).isEmpty();
    assertThat(balancerThreads()).isNotEmpty().noneMatch(name -> name.startsWith(Balancer.THREAD_NAME + "-admin"));
  }

  @Test
  void stopClosesTheMetricsListenerAndItsThreads() {
    start(withAdmin(TestSettings.balancer().build(), "127.0.0.1:0"));
    int port = balancer.adminAddress().orElseThrow().getPort();
    assertThat(balancerThreads()).anyMatch(name -> name.startsWith(Balancer.THREAD_NAME + "-admin"));

    balancer.stop(Duration.ofSeconds(2));

    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(java.io.IOException.class);
    assertThat(balancer.adminAddress()).isEmpty();
    awaitTrue(() -> balancerThreads().isEmpty());
    balancer = null;
  }

  @Test
  void badAdminListenIsAConfigErrorNamingTheKey() {
    for (String bad : List.of("nonsense", "127.0.0.1:99999", ":9100", "127.0.0.1:x")) {
      assertThatThrownBy(() -> new Balancer(withAdmin(TestSettings.balancer().build(), bad), (id, reason) -> { }))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessage("balancer.admin_listen must be empty (off) or host:port such as \"127.0.0.1:9100\""
              + " with a port from 0 to 65535, got \"" + bad + "\"");
    }
    assertThat(MetricsEndpoint.address("  ")).isNull();
    assertThat(MetricsEndpoint.address("[::1]:9100").host()).isEqualTo("::1");
  }

  @Test
  void adminPortTakenFailsTheStartAndLeavesNothingRunning() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      Balancer b = new Balancer(withAdmin(TestSettings.balancer().build(), "127.0.0.1:" + taken.getLocalPort()),
          (id, reason) -> { });

      assertThatThrownBy(b::start).isInstanceOf(DroverException.class)
          .hasMessageStartingWith("balancer cannot serve metrics on balancer.admin_listen = 127.0.0.1:" + taken.getLocalPort());
      awaitTrue(() -> balancerThreads().isEmpty());
    }
  }

  private void start(BalancerSettings settings, TestBackend... backends) {
    balancer = new Balancer(settings, (id, reason) -> { });
    for (TestBackend b : backends) {
      balancer.admit(b.id, b.uri());
    }
    balancer.start();
    client = new TestClient(balancer.boundAddress());
    balancer.adminAddress().ifPresent(address -> scraper = new TestClient(address));
  }

  private TestBackend backend(String id) {
    TestBackend b = TestBackend.start(id);
    closing.add(b);
    return b;
  }

  private String scrape() {
    HttpResponse<String> r = scraper.get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private String eventuallyScrape(java.util.function.Predicate<String> ready) {
    AtomicReference<String> text = new AtomicReference<>();
    eventually(() -> {
      text.set(scrape());
      assertThat(ready.test(text.get())).isTrue();
    });
    return text.get();
  }

  /** Sample lines of an exposition, in order: the series (name and labels) to its value as written. */
  static Map<String, String> samples(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : text.split("\n", -1)) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      assertThat(space).as(line).isPositive();
      assertThat(out.put(line.substring(0, space), line.substring(space + 1))).as("duplicate " + line).isNull();
    }
    assertThat(text).endsWith("\n");
    return out;
  }

  private static Map<String, String> withPrefix(Map<String, String> samples, String prefix) {
    Map<String, String> out = new LinkedHashMap<>();
    samples.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.put(k, v);
      }
    });
    return out;
  }

  private static BalancerSettings withAdmin(BalancerSettings s, String adminListen) {
    return new BalancerSettings(s.listen(), s.strategy(), s.maxConcurrent(), s.queue(), s.maxConnectionsPerIp(),
        s.maxBody(), s.maxHeaderSize(), s.readTimeout(), s.idleTimeout(), s.upstreamTimeout(), s.trustedProxies(),
        s.accessLogFormat(), adminListen, s.rateLimit(), s.tls(), s.fastPath());
  }
}
