package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChunkedBodyCheckTest {
  private static final String HEAD = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  private BalancerFixture fixture;

  @AfterEach
  void tearDown() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void brokenChunkedFramingIs400AndNeverReachesTheBackend() {
    fixture = BalancerFixture.start(TestSettings.balancer().build());
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("a size that is not hex", "zz\r\nhello\r\n0\r\n\r\n");
    cases.put("a negative size", "-5\r\nhello\r\n0\r\n\r\n");
    cases.put("a size too large for a number", "FFFFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n");
    cases.put("data longer than its size", "3\r\nhello\r\n0\r\n\r\n");
    cases.put("no CRLF after the data", "5\r\nhelloX0\r\n\r\n");
    cases.put("bare LF line ends", "5\nhello\n0\n\n");
    cases.put("junk after the size", "5 x\r\nhello\r\n0\r\n\r\n");
    cases.put("a bare LF in an extension", "5;a\nb\r\nhello\r\n0\r\n\r\n");
    cases.put("a smuggled request in a folded trailer", "0\r\n GET /smuggled HTTP/1.1\r\n\r\n");
    Map<String, String> wrong = new LinkedHashMap<>();
    for (Map.Entry<String, String> c : cases.entrySet()) {
      RawConnection client = fixture.connect();
      client.send(HEAD + c.getValue());
      RawConnection.Answer answer = client.read();
      if (answer == null || answer.status() != 400 || !client.closedWithin(Duration.ofSeconds(2))) {
        wrong.put(c.getKey(), answer == null ? "no answer" : answer.head());
      }
      client.close();
    }
    assertThat(wrong).isEmpty();
    assertThat(fixture.backend.hits()).isZero();
  }

  @Test
  void aWellFramedBodyReachesTheBackendWholeAndTheConnectionCarriesOn() throws Exception {
    fixture = BalancerFixture.start(TestSettings.balancer().build());
    RawConnection client = fixture.connect();

    client.send(HEAD + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");
    RawConnection.Answer first = client.read();
    // in pieces, so the rest arrives after the request has started and its body is being waited for
    client.send(HEAD + "5\r\nhel");
    BalancerTest.awaitTrue(() -> fixture.balancer.metrics().inFlightCount() == 1);
    client.send("lo\r\n0\r");
    client.send("\n\r\nGET /headers HTTP/1.1\r\nHost: x\r\n\r\n"); // the end, and a pipelined request behind it
    RawConnection.Answer second = client.read();
    RawConnection.Answer third = client.read();

    assertThat(first.body()).isEqualTo("a 11");
    assertThat(second.body()).isEqualTo("a 5");
    assertThat(third.status()).isEqualTo(200);
    assertThat(fixture.backend.hits()).isEqualTo(3);
  }

  @Test
  void aBodyLongerThanTheReadAheadIsStreamedOn() {
    fixture = BalancerFixture.start(TestSettings.balancer().build());
    StringBuilder body = new StringBuilder();
    String chunk = "x".repeat(1000);
    for (int i = 0; i < 200; i++) {
      body.append("3E8\r\n").append(chunk).append("\r\n");
    }
    body.append("0\r\n\r\n");

    RawConnection.Answer answer = fixture.connect().send(HEAD + body).read();

    assertThat(answer.body()).isEqualTo("a 200000");
  }

  @Test
  void expectContinueIsAnsweredHereAndNotPassedOn() {
    fixture = BalancerFixture.start(TestSettings.balancer().build());
    RawConnection client = fixture.connect();

    client.send("POST /headers HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n");
    RawConnection.Answer go = client.read();
    client.send("5\r\nhello\r\n0\r\n\r\n");
    RawConnection.Answer answer = client.read();

    assertThat(go.status()).isEqualTo(100);
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body()).containsIgnoringCase("Transfer-Encoding").doesNotContainIgnoringCase("Expect");
  }

  @Test
  void aBodyThatStopsComingGets408AfterReadTimeout() {
    fixture = BalancerFixture.start(TestSettings.balancer().readTimeout(Duration.ofMillis(500)).build());
    RawConnection client = fixture.connect();

    long t0 = System.nanoTime();
    client.send(HEAD + "5\r\nhel");
    RawConnection.Answer answer = client.read();
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

    assertThat(answer.status()).isEqualTo(408);
    assertThat(millis).isBetween(400L, 3000L);
    assertThat(client.closedWithin(Duration.ofSeconds(2))).isTrue();
    assertThat(fixture.backend.hits()).isZero();
  }

  @Test
  void aClientLeavingMidBodyLeavesNothingBehind() throws Exception {
    fixture = BalancerFixture.start(TestSettings.balancer().build());
    try (RawConnection client = fixture.connect()) {
      client.send(HEAD + "5\r\nhel");
      BalancerTest.awaitTrue(() -> fixture.balancer.metrics().inFlightCount() == 1); // mid-body
    }
    BalancerTest.awaitTrue(() -> fixture.balancer.metrics().inFlightCount() == 0);

    assertThat(fixture.backend.hits()).isZero();
    long t0 = System.nanoTime();
    fixture.balancer.stop(Duration.ofSeconds(5));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("no request left in flight").isLessThan(2000);
  }
}
