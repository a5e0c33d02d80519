package dev.drover.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drover.testing.Drover;
import dev.drover.testing.RawHttp;
import dev.drover.testing.TestCluster;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The front door of a real cluster under abuse: what a new user tries with curl, as tests. */
class ProtectionIT {
  @TempDir
  Path tmp;
  TestCluster cluster;
  int admin;

  @BeforeEach
  void project() throws Exception {
    cluster = new TestCluster(tmp);
    admin = Drover.freePort();
    cluster.writeSettings(protectedSettings("20/second"));
    cluster.start();
  }

  private String protectedSettings(String limit) {
    return cluster.settings("", "").replace("[default.balancer.rate_limit]\nenabled = false\n", """
        max_body = "1KB"
        max_header_size = "2KB"
        read_timeout = "2s"
        admin_listen = "127.0.0.1:%d"
        [default.balancer.rate_limit]
        default = "%s"
        [[default.balancer.rate_limit.routes]]
        path = "/login"
        method = "POST"
        limit = "2/second"
        """.formatted(admin, limit));
  }

  @AfterEach
  void nothingLeftRunning() {
    cluster.stopAndAssertNothingLeft();
  }

  private int[] flood(String source, int requests) throws Exception {
    int[] counts = new int[600];
    for (int i = 0; i < requests; i++) {
      int status = RawHttp.get(source, cluster.port, "/api/info");
      counts[Math.max(0, status)]++;
    }
    return counts;
  }

  @Test
  void aFloodingClientGets429sWhileAnotherAddressIsServed() throws Exception {
    int[] flooder = flood("127.0.0.1", 300);
    assertThat(flooder[429]).as("429s for the flooder").isGreaterThan(200);
    int ok = 0;
    for (int i = 0; i < 20; i++) {
      ok += RawHttp.get("127.0.0.2", cluster.port, "/api/info") == 200 ? 1 : 0;
      Thread.sleep(60); // about 16 a second, under the 20/second limit
    }
    assertThat(ok).as("200s for the polite client on 127.0.0.2").isEqualTo(20);
  }

  @Test
  void routeRuleLimitsPostLoginOnly() throws Exception {
    String post = "POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    int limited = 0;
    for (int i = 0; i < 10; i++) {
      limited += RawHttp.send("127.0.0.3", cluster.port, post) == 429 ? 1 : 0;
    }
    assertThat(limited).isGreaterThanOrEqualTo(6);
    assertThat(RawHttp.get("127.0.0.3", cluster.port, "/login")).isNotEqualTo(429);
  }

  @Test
  void malformedOversizedAndSlowRequestsAreRefusedWithTheirCodes() throws Exception {
    assertThat(RawHttp.send("127.0.0.4", cluster.port,
        "POST /api/info HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"))
        .as("Content-Length with Transfer-Encoding").isEqualTo(400);
    assertThat(RawHttp.send("127.0.0.4", cluster.port,
        "POST /api/info HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\nConnection: close\r\n\r\n" + "x".repeat(2000)))
        .as("body over max_body").isEqualTo(413);
    assertThat(RawHttp.send("127.0.0.4", cluster.port,
        "GET /api/info HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(3000) + "\r\nConnection: close\r\n\r\n"))
        .as("head over max_header_size").isEqualTo(431);

    try (Socket slow = RawHttp.connect("127.0.0.5", cluster.port)) {
      OutputStream out = slow.getOutputStream();
      InputStream in = slow.getInputStream();
      out.write("GET /api/info HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      long start = System.nanoTime();
      boolean closed = false;
      for (int i = 0; i < 20 && !closed; i++) {
        Thread.sleep(500);
        try {
          out.write(("X-Drip-" + i + ": a\r\n").getBytes(StandardCharsets.US_ASCII));
          out.flush();
          slow.setSoTimeout(10);
          in.read(); // end of stream, or an error response: either way the server is done with it
          closed = true;
        } catch (java.net.SocketTimeoutException e) {
          // still open, nothing to read
        } catch (SocketException e) {
          closed = true;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertThat(closed).as("slowloris closed").isTrue();
      assertThat(seconds).as("closed after about read_timeout (2 s), not after 10 s of trickling").isLessThan(6);
    }
  }

  @Test
  void metricsShowTheRejectionsAndLimitsChangeLiveOnReload() throws Exception {
    flood("127.0.0.6", 100);
    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).containsPattern("drover_rate_limited_total [1-9]")
        .containsPattern("drover_http_responses_total\\{code=\"429\"\\} [1-9]")
        .contains("drover_worker_up{worker=\"1\"} 1");

    cluster.writeSettings(protectedSettings("100000/second"));
    var reload = cluster.drover("reload");
    assertThat(reload.code()).as(reload.out()).isZero();
    assertThat(reload.out()).contains("balancer applies live: balancer.rate_limit.default");
    assertThat(flood("127.0.0.6", 100)[429]).as("no 429 after the limit was raised live").isZero();
  }
}
