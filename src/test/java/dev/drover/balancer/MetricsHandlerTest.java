package dev.drover.balancer;

import static dev.drover.balancer.BalancerTest.awaitTrue;
import static dev.drover.balancer.BalancerTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsHandlerTest {
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

  private void start() {
    backend = TestBackend.start("a");
    balancer = new Balancer(TestSettings.balancer().build(), (id, reason) -> { });
    balancer.admit("a", backend.uri());
    balancer.start();
    client = new TestClient(balancer.boundAddress());
  }

  @Test
  void clientThatHangsUpLeavesNoRequestInFlight() throws Exception {
    start();
    try (Socket s = new Socket("127.0.0.1", balancer.boundAddress().getPort())) {
      s.getOutputStream().write("GET /sleep/300 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      awaitTrue(() -> balancer.metrics().inFlightCount() == 1);
    }

    eventually(() -> assertThat(balancer.metrics().inFlightCount()).isZero());
    eventually(() -> assertThat(balancer.metrics().responses().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(1));
  }

  @Test
  void theStoppingBalancersOwn503IsCounted() throws Exception {
    start();
    InetSocketAddress front = balancer.boundAddress();
    try (Socket keptAlive = new Socket(front.getAddress(), front.getPort())) {
      keptAlive.setSoTimeout(5_000);
      assertThat(exchange(keptAlive, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200");
      CompletableFuture<Integer> slow = CompletableFuture.supplyAsync(() -> client.get("/sleep/1000").statusCode());
      awaitTrue(() -> balancer.inFlight("a") == 1);

      CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> balancer.stop(Duration.ofSeconds(5)));
      awaitTrue(() -> refused(front)); // the gate is closed before the socket stops accepting
      String answer = exchange(keptAlive, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

      assertThat(answer).startsWith("HTTP/1.1 503");
      assertThat(slow.get(5, TimeUnit.SECONDS)).isEqualTo(200);
      stopping.get(5, TimeUnit.SECONDS);
      eventually(() -> assertThat(balancer.metrics().responses()).isEqualTo(Map.of(200, 2L, 503, 1L)));
      assertThat(balancer.metrics().inFlightCount()).isZero();
    }
  }

  /** Writes a request and reads one response with a body of Content-Length bytes (the test backend sets it). */
  private static String exchange(Socket s, String request) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(request.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    InputStream in = s.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      head.append((char) c);
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
  }

  private static boolean refused(InetSocketAddress address) {
    try (Socket probe = new Socket(address.getAddress(), address.getPort())) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }
}
