package dev.drover.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.testing.Drover;
import dev.drover.testing.RawHttp;
import dev.drover.testing.TestCluster;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's JSON and actions on a real cluster's admin listener, over plain HTTP. */
class DashboardIT {
  static final String TOKEN = "admin-0123456789abcdef0123456789abcdef";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  Path tmp;
  TestCluster cluster;
  int admin;

  @BeforeEach
  void project() throws Exception {
    cluster = new TestCluster(tmp);
    admin = Drover.freePort();
    cluster.writeSettings(withAdmin(cluster, admin, 3));
    writeSecrets(cluster, TOKEN);
  }

  static String withAdmin(TestCluster cluster, int admin, int workers) {
    return cluster.settings("", "").replace("workers = 3", "workers = " + workers)
        .replace("[default.balancer]\n", "[default.balancer]\nadmin_listen = \"127.0.0.1:" + admin + "\"\n");
  }

  static void writeSecrets(TestCluster cluster, String token) throws Exception {
    Path secrets = cluster.project.resolve(".secrets.toml");
    Files.writeString(secrets, "[default]\nsecret_key = \"" + cluster.secret + "\"\n[default.balancer]\nadmin_token = \""
        + token + "\"\n");
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
  }

  @AfterEach
  void nothingLeftRunning() {
    cluster.stopAndAssertNothingLeft();
  }

  private HttpResponse<String> send(String method, String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + path))
        .timeout(Duration.ofMinutes(3)).method(method, HttpRequest.BodyPublishers.noBody());
    headers.forEach(b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String token) throws Exception {
    return send("POST", path, token == null ? Map.of() : Map.of("Authorization", "Bearer " + token));
  }

  private long refused(int code) throws Exception {
    String metrics = send("GET", "/metrics", Map.of()).body();
    for (String line : metrics.split("\n")) {
      if (line.startsWith("drover_admin_refused_total{code=\"" + code + "\"}")) {
        return Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no drover_admin_refused_total for " + code + " in " + metrics);
  }

  @Test
  void thePageAndTheLiveStatusMatchStatusJsonAndActionsNeedTheToken() throws Exception {
    cluster.start();
    cluster.awaitReady(3, Duration.ofSeconds(60));

    HttpResponse<String> page = send("GET", "/", Map.of());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'none'");
    assertThat(page.body()).contains("<script src=\"/dashboard.js\"></script>").doesNotContain("http://", "https://");
    assertThat(send("GET", "/dashboard.js", Map.of()).body()).contains("/api/live").doesNotContain("https://");

    // The same fields, in the same order, as status --json; only the clock-driven values may move.
    JsonNode cli = cluster.status();
    JsonNode live = TestCluster.json(send("GET", "/api/live", Map.of()).body());
    JsonNode status = live.path("status");
    assertThat(fieldNames(status)).isEqualTo(fieldNames(cli));
    assertThat(fieldNames(status.path("workers").get(0))).isEqualTo(fieldNames(cli.path("workers").get(0)));
    assertThat(status.path("generation")).isEqualTo(cli.path("generation"));
    assertThat(status.path("listen").asText()).isEqualTo("127.0.0.1:" + cluster.port);
    assertThat(status.path("workers").findValuesAsText("pid")).isEqualTo(cli.path("workers").findValuesAsText("pid"));
    assertThat(live.path("actions").asBoolean()).isTrue();
    assertThat(TestCluster.json(send("GET", "/api/status", Map.of()).body()).path("workers").size()).isEqualTo(3);

    // History fills in once a second; its rates come from the balancer's own counters.
    for (int i = 0; i < 20; i++) {
      assertThat(cluster.get("/api/info").statusCode()).isEqualTo(200);
    }
    JsonNode sample = awaitSample(s -> s.path("rps2xx").asDouble() > 0);
    assertThat(sample.path("rss_bytes").size()).isEqualTo(3);
    assertThat(sample.has("p99_millis")).isTrue();

    // Changing anything needs the token in a header: none is 401, a wrong one 403, both counted.
    long unauthorized = refused(401);
    long forbidden = refused(403);
    HttpResponse<String> none = post("/api/scale?workers=4", null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"drover\"");
    assertThat(post("/api/scale?workers=4", "wrong-" + TOKEN).statusCode()).isEqualTo(403);
    HttpResponse<String> asCookie = send("POST", "/api/scale?workers=4", Map.of("Cookie", "token=" + TOKEN));
    assertThat(asCookie.statusCode()).as("a cookie is not a credential").isEqualTo(401);
    assertThat(send("GET", "/api/reload", Map.of("Authorization", "Bearer " + TOKEN)).statusCode()).isEqualTo(405);
    assertThat(refused(401)).isEqualTo(unauthorized + 2);
    assertThat(refused(403)).isEqualTo(forbidden + 1);
    assertThat(cluster.status().path("desired_workers").asInt()).as("nothing changed").isEqualTo(3);

    // Reading from a non-local Host (a rebound DNS name) needs the token too, and so does reading from another address.
    assertThat(RawHttp.send("127.0.0.1", admin, "GET /api/live HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"))
        .isEqualTo(401);
    assertThat(RawHttp.send("127.0.0.1", admin, "GET /api/live HTTP/1.1\r\nHost: evil.example\r\nX-Drover-Token: " + TOKEN
        + "\r\nConnection: close\r\n\r\n")).isEqualTo(200);
    InetAddress external = nonLoopbackAddress();
    if (external != null) {
      assertThat(RawHttp.get(external.getHostAddress(), admin, "/api/live")).as("from " + external).isEqualTo(401);
      assertThat(RawHttp.get(external.getHostAddress(), admin, "/")).as("the page itself holds no data").isEqualTo(200);
    }

    // With the token: the dry run shows the plan and changes nothing; scale; restart one worker.
    HttpResponse<String> dry = post("/api/reload?dry_run=1", TOKEN);
    assertThat(dry.statusCode()).as(dry.body()).isEqualTo(200);
    assertThat(TestCluster.json(dry.body()).path("dry_run").asBoolean()).isTrue();
    assertThat(cluster.status().path("generation").asInt()).isEqualTo(1);

    HttpResponse<String> scaled = post("/api/scale?workers=4", TOKEN);
    assertThat(scaled.statusCode()).as(scaled.body()).isEqualTo(200);
    assertThat(TestCluster.json(scaled.body()).path("desired_workers").asInt()).isEqualTo(4);
    cluster.awaitReady(4, Duration.ofSeconds(60));
    assertThat(post("/api/scale?workers=zero", TOKEN).statusCode()).isEqualTo(400);
    assertThat(post("/api/scale?workers=0", TOKEN).statusCode()).isEqualTo(400);
    assertThat(post("/api/scale?workers=99999999999", TOKEN).statusCode()).isEqualTo(400);
    assertThat(post("/api/workers/0/restart", TOKEN).statusCode()).isEqualTo(409);
    assertThat(post("/api/workers/x/restart", TOKEN).statusCode()).isEqualTo(404);

    long before = pidOf(cluster.status(), 2);
    HttpResponse<String> restarted = post("/api/workers/2/restart", TOKEN);
    assertThat(restarted.statusCode()).as(restarted.body()).isEqualTo(200);
    long after = pidOf(cluster.status(), 2);
    assertThat(after).isNotEqualTo(before).isPositive();
    assertThat(ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false)).as("the old worker is gone").isFalse();
    assertThat(post("/api/workers/99/restart", TOKEN).statusCode()).isEqualTo(409);

    HttpResponse<String> reload = post("/api/reload", TOKEN);
    assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
    assertThat(TestCluster.json(reload.body()).path("generation").asInt()).isEqualTo(2);

    JsonNode events = TestCluster.json(send("GET", "/api/live", Map.of()).body()).path("events");
    assertThat(events.findValuesAsText("text")).anyMatch(t -> t.contains("restart requested"))
        .anyMatch(t -> t.startsWith("scaling from 3 to 4")).anyMatch(t -> t.startsWith("reload done: generation 2"));
    assertThat(page.body() + dry.body() + reload.body() + events).doesNotContain(TOKEN).doesNotContain(cluster.secret);
  }

  @Test
  void aRotatedTokenTakesOverAtTheNextReloadAndAStormOfRefusalsIsAnEventWithMaskedAddresses() throws Exception {
    cluster.writeSettings(withAdmin(cluster, admin, 2).replace("enabled = false", """
        enabled = true
        default = "2/minute"
        """));
    cluster.start();
    // Sequential requests from loopback, far more than the limit: a storm within a second or two.
    int refused = 0;
    for (int i = 0; i < 300; i++) {
      refused += cluster.get("/api/info").statusCode() == 429 ? 1 : 0;
    }
    assertThat(refused).isGreaterThan(250);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    String events = "";
    while (!events.contains("rate-limit storm") && System.nanoTime() < deadline) {
      events = TestCluster.json(send("GET", "/api/live", Map.of()).body()).path("events").toString();
      Thread.sleep(200);
    }
    assertThat(events).contains("rate-limit storm:", "top clients 127.0.0.0/24 (").doesNotContain("127.0.0.1 (");
    assertThat(send("GET", "/api/live?addresses=1", Map.of()).statusCode()).as("whole addresses need the token").isEqualTo(401);
    assertThat(send("GET", "/api/live?addresses=1", Map.of("Authorization", "Bearer " + TOKEN)).body())
        .contains("top clients 127.0.0.1 (");
    assertThat(cluster.drover("config").out()).doesNotContain(TOKEN);
    assertThat(Files.readString(cluster.project.resolve(".drover/logs/worker-1.log")))
        .as("workers get the app's secrets only, not the admin token").contains(", 1 secrets,");

    String rotated = "rotated-0123456789abcdef0123456789abcdef";
    writeSecrets(cluster, rotated);
    HttpResponse<String> reload = post("/api/reload", TOKEN);
    assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
    assertThat(TestCluster.json(reload.body()).path("plan").path("live").toString()).contains("balancer.admin_token");
    assertThat(post("/api/reload?dry_run=1", TOKEN).statusCode()).isEqualTo(403);
    assertThat(post("/api/reload?dry_run=1", rotated).statusCode()).isEqualTo(200);

    // Bad settings: the reload is refused with the problem named, and the running cluster is untouched.
    int generation = cluster.status().path("generation").asInt();
    cluster.writeSettings(withAdmin(cluster, admin, 2).replace("workers = 2", "workerz = 2"));
    HttpResponse<String> badReload = post("/api/reload", rotated);
    assertThat(badReload.statusCode()).isEqualTo(409);
    assertThat(TestCluster.json(badReload.body()).path("error").asText()).contains("unknown key 'workerz'");
    assertThat(cluster.status().path("generation").asInt()).isEqualTo(generation);
    cluster.awaitReady(2, Duration.ofSeconds(10));
  }

  private JsonNode awaitSample(java.util.function.Predicate<JsonNode> test) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      for (JsonNode s : TestCluster.json(send("GET", "/api/live", Map.of()).body()).path("history")) {
        if (test.test(s)) {
          return s;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no such sample within 10 s");
  }

  /** An address of this machine that is not loopback, to connect from; null when there is none. */
  private static InetAddress nonLoopbackAddress() throws Exception {
    for (NetworkInterface nic : java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InetAddress a : java.util.Collections.list(nic.getInetAddresses())) {
        if (a instanceof java.net.Inet4Address && !a.isLoopbackAddress() && nic.isUp()) {
          return a;
        }
      }
    }
    return null;
  }

  private static long pidOf(JsonNode status, int id) {
    for (JsonNode w : status.path("workers")) {
      if (w.path("id").asInt() == id && w.path("state").asText().equals("ready")) {
        return w.path("pid").asLong();
      }
    }
    throw new AssertionError("no ready worker " + id + " in " + status);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }
}
