package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drover.config.BalancerSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogTest {
  @TempDir
  Path project;
  private Path log;
  private TestBackend backend;
  private Balancer balancer;
  private TestClient client;

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
    if (balancer != null) {
      balancer.stop(Duration.ofSeconds(2));
    }
    if (backend != null) {
      backend.close();
    }
  }

  private void start(BalancerSettings settings) {
    log = project.resolve(".drover/logs/access.log");
    backend = TestBackend.start("w1");
    balancer = new Balancer(settings, (id, reason) -> { }, project, log);
    balancer.admit(backend.id, backend.uri());
    balancer.start();
    client = new TestClient(balancer.boundAddress());
  }

  @Test
  void combinedFormatByDefaultWithQuotesEscaped() {
    start(TestSettings.balancer().build());

    HttpResponse<String> r = client.send(HttpRequest.newBuilder(client.uri("/sleep/1?x=1&y=%22"))
        .header("User-Agent", "probe \"quoted\" \\ agent").header("Referer", "http://example.test/from").build());
    assertThat(r.statusCode()).isEqualTo(200);
    client.get("/_drover/health");

    List<String> lines = awaitLines(log, 2);
    assertThat(lines.get(0)).matches("127\\.0\\.0\\.1 - - \\[\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4}] "
        + "\"GET /sleep/1\\?x=1&y=%22 HTTP/1\\.1\" 200 2 \"http://example\\.test/from\" "
        + "\"probe \\\\\"quoted\\\\\" \\\\\\\\ agent\"");
    assertThat(lines.get(1)).contains("\"GET /_drover/health HTTP/1.1\" 404 ").endsWith(" \"-\" \"Java-http-client/"
        + System.getProperty("java.version") + "\"");
  }

  @Test
  void jsonLinesCarryEveryField() throws IOException {
    start(TestTls.withAccessLogFormat(TestSettings.balancer().build(), "json"));
    Instant before = Instant.now().minusSeconds(1);

    HttpResponse<String> r = client.send(HttpRequest.newBuilder(client.uri("/sleep/20?a=b"))
        .header("User-Agent", "probe \"q\" \\ x").build());
    client.get("/_drover/x");

    List<String> lines = awaitLines(log, 2);
    ObjectMapper json = new ObjectMapper();
    JsonNode first = json.readTree(lines.get(0));
    assertThat(first.fieldNames()).toIterable().containsExactly("time", "client", "method", "path", "query", "status",
        "bytes", "duration_ms", "request_id", "user_agent", "referer", "worker");
    assertThat(Instant.parse(first.get("time").asText())).isBetween(before, Instant.now());
    assertThat(first.get("client").asText()).isEqualTo("127.0.0.1");
    assertThat(first.get("method").asText()).isEqualTo("GET");
    assertThat(first.get("path").asText()).isEqualTo("/sleep/20");
    assertThat(first.get("query").asText()).isEqualTo("a=b");
    assertThat(first.get("status").asInt()).isEqualTo(200);
    assertThat(first.get("bytes").asLong()).isEqualTo(2);
    assertThat(first.get("duration_ms").asDouble()).isBetween(20.0, 5000.0);
    assertThat(first.get("request_id").asText()).isEqualTo(r.headers().firstValue("X-Request-Id").orElseThrow());
    assertThat(first.get("user_agent").asText()).isEqualTo("probe \"q\" \\ x");
    assertThat(first.get("referer").isNull()).isTrue();
    assertThat(first.get("worker").asText()).isEqualTo("w1");

    JsonNode second = json.readTree(lines.get(1));
    assertThat(second.get("status").asInt()).isEqualTo(404);
    assertThat(second.get("query").isNull()).isTrue();
    assertThat(second.get("worker").isNull()).as("never reached a worker").isTrue();
  }

  @Test
  void formatFollowsReconfigure() {
    BalancerSettings combined = TestSettings.balancer().build();
    start(combined);

    client.get("/one");
    awaitLines(log, 1);
    balancer.reconfigure(TestTls.withAccessLogFormat(combined, "json"));
    client.get("/two");

    List<String> lines = awaitLines(log, 2);
    assertThat(lines.get(0)).contains("\"GET /one HTTP/1.1\" 200 ");
    assertThat(lines.get(1)).startsWith("{\"time\":").contains("\"path\":\"/two\"");
  }

  @Test
  void reopenStartsANewFileAfterTheOldOneWasMoved() throws IOException {
    start(TestSettings.balancer().build());
    Path rotated = log.resolveSibling("access.log.1");

    client.get("/one");
    awaitLines(log, 1);
    Files.move(log, rotated);
    client.get("/two"); // still goes to the moved file: the balancer holds it open
    awaitLines(rotated, 2);
    balancer.reopenAccessLog();
    client.get("/three");

    List<String> fresh = awaitLines(log, 1);
    assertThat(fresh.get(0)).contains("GET /three ");
    assertThat(Files.readAllLines(rotated)).hasSize(2);
  }

  @Test
  void stopWritesWhatIsQueuedAndLeavesNoWriterThread() throws IOException {
    start(TestSettings.balancer().build());
    client.get("/");
    balancer.stop(Duration.ofSeconds(2));
    balancer = null;

    assertThat(Files.readAllLines(log)).hasSize(1);
    BalancerTest.awaitTrue(() -> BalancerTest.balancerThreads().isEmpty());
  }

  /** Waits for the writer's next flush: at least {@code n} lines, and returns exactly what is there. */
  private static List<String> awaitLines(Path file, int n) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (true) {
      try {
        if (Files.exists(file)) {
          List<String> lines = Files.readAllLines(file);
          if (lines.size() >= n) {
            assertThat(lines).hasSize(n);
            return lines;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(file + " has not " + n + " lines within 5 s");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
