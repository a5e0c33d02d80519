package dev.drover.balancer;

import static dev.drover.balancer.BalancerTest.awaitTrue;
import static dev.drover.balancer.BalancerTest.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.drover.config.Rate;
import dev.drover.config.RateLimitSettings;
import dev.drover.testing.Ports;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fast path as a client meets it: which requests it serves itself (none handed over), that those get what the
 * Undertow path gives, that bodies and responses of any size and framing pass intact, and that what it does not
 * take reaches the Undertow path with the client's own address.
 */
class FastPathTest {
  private BalancerFixture fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private long handedOver() {
    return fixture.balancer.metrics().handedOverCount();
  }

  @Test
  void aPlainRequestIsServedWithoutHandingOverAndWithTheUndertowPathsHeaders() {
    fixture = BalancerFixture.start(TestSettings.balancer().build());
    RawConnection c = fixture.connect();

    RawConnection.Answer a = c.send("GET /headers?x=1 HTTP/1.1\r\nHost: shop.example\r\nX-Forwarded-Proto: https\r\n"
        + "Forwarded: for=1.2.3.4\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n").read();
    RawConnection.Answer again = c.send("GET /headers HTTP/1.1\r\nHost: shop.example\r\nX-Request-Id: mine-1\r\n\r\n").read();

    assertThat(a.status()).isEqualTo(200);
    assertThat(a.header("X-Request-Id")).hasSize(32);
    assertThat(a.body().lines()).contains("Host: shop.example", "X-Forwarded-Proto: http", "X-Forwarded-For: 127.0.0.1",
        "X-Request-Id: " + a.header("X-Request-Id"));
    // hop-by-hop and forged forwarding fields stay here
    assertThat(a.body().toLowerCase(java.util.Locale.ROOT)).doesNotContain("connection", "keep-alive", "forwarded: ",
        "https");
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.header("X-Request-Id")).isEqualTo("mine-1");
    assertThat(again.body()).contains("X-Request-Id: mine-1");
    assertThat(handedOver()).isZero();
    // counted once the answer is out, which may be a moment after the client read it
    eventually(() -> assertThat(fixture.balancer.metrics().responses()).containsEntry(200, 2L));
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrderOnTheFastPath() {
    fixture = BalancerFixture.start(TestSettings.balancer().build());
    RawConnection c = fixture.connect();
    StringBuilder three = new StringBuilder();
    for (int i = 1; i <= 3; i++) {
      three.append("GET /headers HTTP/1.1\r\nHost: x\r\nX-N: ").append(i).append("\r\n\r\n");
    }

    c.send(three.toString());

    for (int i = 1; i <= 3; i++) {
      RawConnection.Answer a = c.read();
      assertThat(a.status()).isEqualTo(200);
      assertThat(a.body()).contains("X-N: " + i);
    }
    assertThat(handedOver()).isZero();
  }

  @Test
  void bodiesAndResponsesOfAnySizeAndFramingPassIntact() {
    fixture = BalancerFixture.start(TestSettings.balancer().build());
    RawConnection c = fixture.connect();
    String upload = "u".repeat(300_000);

    RawConnection.Answer echoed = c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + upload.length()
        + "\r\n\r\n" + upload).read();
    RawConnection.Answer sized = c.send("GET /bytes/1000000 HTTP/1.1\r\nHost: x\r\n\r\n").read();
    RawConnection.Answer streamed = c.send("GET /stream/500000 HTTP/1.1\r\nHost: x\r\n\r\n").read();
    RawConnection.Answer head = c.send("HEAD /bytes/5000 HTTP/1.1\r\nHost: x\r\n\r\n").readHeadAnswer();
    RawConnection.Answer after = c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();

    assertThat(echoed.body()).isEqualTo("a 300000");
    assertThat(sized.header("Content-Length")).isEqualTo("1000000");
    assertThat(sized.body()).isEqualTo(new String(TestBackend.pattern(1_000_000), StandardCharsets.ISO_8859_1));
    assertThat(streamed.header("Transfer-Encoding")).isEqualTo("chunked");
    assertThat(streamed.body()).isEqualTo(new String(TestBackend.pattern(500_000), StandardCharsets.ISO_8859_1));
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Content-Length")).isEqualTo("5000");
    assertThat(after.status()).isEqualTo(200); // HEAD's answer had no body: the next one is read where it starts
    assertThat(after.body()).isEqualTo("a");
    assertThat(handedOver()).isZero();
  }

  @Test
  void whatTheFastPathDoesNotTakeReachesTheUndertowPathWithTheClientsAddress() throws Exception {
    fixture = BalancerFixture.start(TestSettings.balancer().build());
    RawConnection c = fixture.connectFrom(InetAddress.getByName("127.0.0.2"));

    RawConnection.Answer gzip = c.send("GET /headers HTTP/1.1\r\nHost: x\r\nTE: trailers\r\n\r\n").read();
    RawConnection.Answer next = c.send("GET /headers HTTP/1.1\r\nHost: x\r\n\r\n").read();
    RawConnection.Answer internal = fixture.connect().send("GET /_drover/health HTTP/1.1\r\nHost: x\r\n\r\n").read();

    assertThat(gzip.status()).isEqualTo(200);
    assertThat(gzip.body()).contains("X-Forwarded-For: 127.0.0.2");
    assertThat(next.status()).isEqualTo(200);
    assertThat(next.body()).contains("X-Forwarded-For: 127.0.0.2"); // the connection stays with the Undertow path
    assertThat(internal.status()).isEqualTo(404);
    assertThat(handedOver()).isEqualTo(2);
  }

  @Test
  void anIpv6ClientIsServedOnBothPathsWithItsOwnAddress() throws Exception {
    fixture = BalancerFixture.start(TestSettings.balancer().listen(new dev.drover.config.HostPort("::1", 0)).build());
    RawConnection fast = fixture.connect();
    RawConnection handed = fixture.connect();

    RawConnection.Answer plain = fast.send("GET /headers HTTP/1.1\r\nHost: [::1]\r\n\r\n").read();
    RawConnection.Answer gzip = handed.send("GET /headers HTTP/1.1\r\nHost: [::1]\r\nTE: trailers\r\n\r\n")
        .read();

    assertThat(plain.body()).contains("X-Forwarded-For: 0:0:0:0:0:0:0:1");
    assertThat(gzip.body()).contains("X-Forwarded-For: 0:0:0:0:0:0:0:1");
    assertThat(handedOver()).isEqualTo(1);
  }

  @Test
  void aRateLimitedClientGets429WithTheSameHeadersAsOnTheUndertowPath() {
    fixture = BalancerFixture.start(TestSettings.balancer()
        .rateLimit(new RateLimitSettings(true, Rate.parse("2/minute"), 0, List.of())).build());
    RawConnection c = fixture.connect();

    RawConnection.Answer first = c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();
    RawConnection.Answer second = c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();
    RawConnection.Answer third = c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();

    assertThat(first.header("RateLimit-Limit")).isEqualTo("2");
    assertThat(first.header("RateLimit-Remaining")).isEqualTo("1");
    assertThat(second.header("RateLimit-Remaining")).isEqualTo("0");
    assertThat(third.status()).isEqualTo(429);
    assertThat(third.header("Retry-After")).isNotNull();
    assertThat(third.header("RateLimit-Reset")).isNotNull();
    assertThat(fixture.backend.hits()).isEqualTo(2);
    assertThat(fixture.balancer.metrics().rateLimitedCount()).isEqualTo(1);
  }

  @Test
  void aBackendThatRefusesIsTakenOutAndTheRequestRetriedOnAnother() {
    Map<String, String> failed = new ConcurrentHashMap<>();
    TestBackend alive = TestBackend.start("alive");
    Balancer balancer = new Balancer(TestSettings.balancer().strategy("round_robin").build(), failed::put);
    try {
      balancer.admit("dead", URI.create("http://127.0.0.1:" + Ports.free()));
      balancer.admit("alive", alive.uri());
      balancer.start();
      try (RawConnection c = new RawConnection(balancer.boundAddress())) {
        for (int i = 0; i < 4; i++) {
          RawConnection.Answer a = c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();
          assertThat(a.status()).isEqualTo(200);
          assertThat(a.body()).isEqualTo("alive");
        }
      }
      awaitTrue(() -> failed.containsKey("dead"));
      assertThat(failed.get("dead")).contains("refused a connection");
      assertThat(balancer.metrics().handedOverCount()).isZero();
    } finally {
      balancer.stop(Duration.ofSeconds(2));
      alive.close();
    }
  }

  @Test
  void aSlowBackendGets504AndTheClientsConnectionCloses() {
    fixture = BalancerFixture.start(TestSettings.balancer().upstreamTimeout(Duration.ofMillis(300)).build());
    RawConnection c = fixture.connect();

    RawConnection.Answer a = c.send("GET /sleep/2000 HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\n\r\n").read();

    assertThat(a.status()).isEqualTo(504);
    assertThat(a.header("Content-Type")).startsWith("text/html");
    assertThat(a.body()).contains("504 Gateway Time-out", "request id " + a.header("X-Request-Id"));
    assertThat(c.closedWithin(Duration.ofSeconds(3))).isTrue();
    assertThat(handedOver()).isZero();
    eventually(() -> assertThat(fixture.balancer.inFlight("a")).isZero());
  }

  @Test
  void aClientLeavingMidBodyFreesItsSlotAndItsBackend() {
    fixture = BalancerFixture.start(TestSettings.balancer().maxConcurrent(1).build());
    try (RawConnection leaving = fixture.connect()) {
      leaving.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789");
      awaitTrue(() -> fixture.balancer.metrics().inFlightCount() == 1);
    }
    eventually(() -> assertThat(fixture.balancer.metrics().inFlightCount()).isZero());
    eventually(() -> assertThat(fixture.balancer.inFlight("a")).isZero());
    // the one slot is free again
    assertThat(fixture.connect().send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
    assertThat(fixture.balancer.metrics().responses()).containsEntry(ConcurrencyLimitHandler.CLIENT_CLOSED, 1L);
  }

  @Test
  void theHandOverPortServesNobodyWithoutTheSecret() throws Exception {
    fixture = BalancerFixture.start(TestSettings.balancer().build());
    InetSocketAddress handoff = fixture.balancer.handoffAddress().orElseThrow();
    try (Socket s = new Socket(handoff.getAddress(), handoff.getPort())) {
      s.setSoTimeout(5_000);
      byte[] forged = new byte[Handoff.PREAMBLE_BYTES];
      s.getOutputStream().write(forged);
      s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      int first;
      try {
        first = s.getInputStream().read();
      } catch (java.net.SocketException reset) {
        first = -1; // closed with our request unread: a reset
      }
      assertThat(first).as("closed without an answer").isEqualTo(-1);
    }
    assertThat(fixture.backend.hits()).isZero();
  }
}
