package dev.drover.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.drover.testing.Ports;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Real requests through a running front to an {@link EchoWorker}: the behaviour the generated file
 * promises, checked end to end rather than read from its text.
 */
final class FrontTraffic {
  static final int LOGIN_LIMIT = 3;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  final int listenPort = Ports.free();
  final int workerPort = Ports.free();
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  /** One worker, a generous default limit, a tight limit on POST /login and a 1 KB body limit. */
  TestProject project(Path dir) {
    return TestProject.at(dir).settings("""
        [default.cluster]
        workers = 1
        base_port = %d
        [default.balancer]
        listen = "127.0.0.1:%d"
        max_body = "1KB"
        [default.balancer.rate_limit]
        default = "1000/minute"
        [[default.balancer.rate_limit.routes]]
        path = "/login"
        method = "POST"
        limit = "%d/minute"
        """.formatted(workerPort, listenPort, LOGIN_LIMIT));
  }

  /** Waits, bounded, until the front accepts connections; fails early if its process died. */
  void awaitListening(Process front, Path log) throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!front.isAlive()) {
        fail("front exited with " + front.exitValue() + ": " + read(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 1000);
        return;
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    fail("front not listening on " + listenPort + " after " + START_TIMEOUT + ": " + read(log));
  }

  HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listenPort + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Everything a front promises, in one pass; the order matters only for the rate-limited route. */
  void assertBehaves() throws IOException, InterruptedException {
    HttpResponse<String> root = send("GET", "/hello", null);
    assertThat(root.statusCode()).isEqualTo(200);
    assertThat(root.body()).contains("path=/hello", "x-forwarded-for=127.0.0.1", "x-forwarded-proto=http",
        "x-forwarded-host=127.0.0.1:" + listenPort);

    HttpResponse<String> internal = send("GET", "/_drover/health", null);
    assertThat(internal.statusCode()).as("/_drover/ must not reach a worker").isEqualTo(404);
    assertThat(internal.body()).doesNotContain("path=");

    assertThat(send("POST", "/upload", "x".repeat(512)).statusCode()).isEqualTo(200);
    assertThat(send("POST", "/upload", "x".repeat(4096)).statusCode()).isEqualTo(413);

    List<Integer> posts = new ArrayList<>();
    for (int i = 0; i < LOGIN_LIMIT + 3; i++) {
      posts.add(send("POST", "/login", "user=a").statusCode());
    }
    assertThat(posts.subList(0, LOGIN_LIMIT)).as("within the limit: %s", posts).containsOnly(200);
    assertThat(posts.get(posts.size() - 1)).as("past the limit: %s", posts).isEqualTo(429);
    for (int i = 0; i < LOGIN_LIMIT + 3; i++) {
      assertThat(send("GET", "/login", null).statusCode()).as("GET is not limited by a POST rule").isEqualTo(200);
    }
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
