package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RequestSanityHandlerTest {
  private static final String POST = "POST /echo HTTP/1.1\r\nHost: x\r\n";
  private BalancerFixture fixture;

  @AfterEach
  void tearDown() {
    if (fixture != null) {
      fixture.close();
    }
  }

  /** Each answered 400 and the connection closed, whether by Undertow's parser or by the handler. */
  private static Map<String, String> ambiguous() {
    Map<String, String> cases = new LinkedHashMap<>();
    // refused by Undertow's parser already
    cases.put("Content-Length with Transfer-Encoding", POST
        + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    cases.put("Transfer-Encoding with Content-Length", POST
        + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    cases.put("two equal Content-Lengths", POST + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello");
    cases.put("two different Content-Lengths", POST + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!");
    cases.put("a Content-Length list", POST + "Content-Length: 5, 5\r\n\r\nhello");
    cases.put("a signed Content-Length", POST + "Content-Length: +5\r\n\r\nhello");
    cases.put("a negative Content-Length", POST + "Content-Length: -5\r\n\r\nhello");
    cases.put("a hex Content-Length", POST + "Content-Length: 0x5\r\n\r\nhello");
    cases.put("two Transfer-Encodings", POST
        + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    cases.put("a space before the colon", POST + "Transfer-Encoding : chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    cases.put("a control character in a name", POST + "X\u0001A: b\r\nContent-Length: 0\r\n\r\n");
    cases.put("a separator in a name", POST + "X(A): b\r\nContent-Length: 0\r\n\r\n");
    cases.put("two Hosts", POST + "Host: y\r\nContent-Length: 0\r\n\r\n");
    // let through by Undertow, refused by the handler
    cases.put("an overflowing Content-Length", POST + "Content-Length: 99999999999999999999999\r\n\r\nhello");
    cases.put("Transfer-Encoding gzip", POST + "Transfer-Encoding: gzip\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    cases.put("Transfer-Encoding gzip, chunked", POST
        + "Transfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    cases.put("Transfer-Encoding xchunked", POST + "Transfer-Encoding: xchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    cases.put("Transfer-Encoding identity", POST + "Transfer-Encoding: identity\r\n\r\nhello");
    cases.put("Transfer-Encoding folded onto junk", POST
        + "Transfer-Encoding: x\r\n chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    cases.put("Transfer-Encoding in HTTP/1.0", "POST /echo HTTP/1.0\r\nHost: x\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    cases.put("NUL in a value", POST + "X-A: a\u0000b\r\nContent-Length: 0\r\n\r\n");
    cases.put("a control character in a value", POST + "X-A: a\u0001b\r\nContent-Length: 0\r\n\r\n");
    cases.put("DEL in a value", POST + "X-A: a\u007fb\r\nContent-Length: 0\r\n\r\n");
    return cases;
  }

  @Test
  void ambiguousOrMalformedHeadsAre400AndNeverReachTheBackend() {
    fixture = BalancerFixture.start(TestSettings.balancer().build());
    Map<String, String> wrong = new LinkedHashMap<>();
    for (Map.Entry<String, String> c : ambiguous().entrySet()) {
      RawConnection client = fixture.connect();
      client.send(c.getValue());
      RawConnection.Answer answer = client.read();
      if (answer == null || answer.status() != 400 || !client.closedWithin(java.time.Duration.ofSeconds(2))) {
        wrong.put(c.getKey(), answer == null ? "no answer" : answer.head());
      }
      client.close();
    }
    assertThat(wrong).isEmpty();
    assertThat(fixture.backend.hits()).isZero();
  }

  @Test
  void plainFramingStillPasses() {
    fixture = BalancerFixture.start(TestSettings.balancer().build());
    RawConnection client = fixture.connect();

    client.send(POST + "Content-Length: 5\r\n\r\nhello");
    RawConnection.Answer length = client.read();
    client.send(POST + "Transfer-Encoding: Chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    RawConnection.Answer chunked = client.read();
    client.send(POST + "Transfer-Encoding:\tchunked \r\nX-Latin: caf\u00e9\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    RawConnection.Answer spaced = client.read();

    assertThat(length.body()).isEqualTo("a 5");
    assertThat(chunked.body()).isEqualTo("a 5");
    assertThat(spaced.body()).isEqualTo("a 5");
    assertThat(fixture.backend.hits()).isEqualTo(3);
  }

  @Test
  void headAboveMaxHeaderSizeIs431EvenAboveUndertowsOwnLimit() {
    fixture = BalancerFixture.start(TestSettings.balancer().maxHeaderSize("1KB").build());

    RawConnection small = fixture.connect().send(get("x".repeat(800)));
    RawConnection big = fixture.connect().send(get("x".repeat(2000)));
    RawConnection huge = fixture.connect().send(get("x".repeat(ServerOptions.MIN_HARD_HEADER_LIMIT + 1000)));

    assertThat(small.read().status()).isEqualTo(200);
    RawConnection.Answer tooBig = big.read();
    assertThat(tooBig.status()).isEqualTo(431);
    assertThat(tooBig.body()).startsWith("431 Request Header Fields Too Large");
    assertThat(big.closedWithin(java.time.Duration.ofSeconds(2))).isTrue();
    RawConnection.Answer refused = huge.read();
    // the connection closes with part of the head unread, so the client may see a reset instead of the answer
    if (refused != null) {
      assertThat(refused.status()).isEqualTo(431);
      assertThat(refused.body()).startsWith("431 Request Header Fields Too Large");
    }
    assertThat(fixture.backend.hits()).isEqualTo(1);
  }

  @Test
  void maxHeaderSizeChangesLive() {
    fixture = BalancerFixture.start(TestSettings.balancer().maxHeaderSize("4KB").build());
    RawConnection open = fixture.connect();
    assertThat(open.send(get("x".repeat(2000))).read().status()).isEqualTo(200);

    fixture.balancer.reconfigure(TestSettings.balancer().maxHeaderSize("1KB").build());
    // the soft limit is the handler's: it applies at once, also on connections already open
    assertThat(open.send(get("x".repeat(2000))).read().status()).isEqualTo(431);

    fixture.balancer.reconfigure(TestSettings.balancer().maxHeaderSize("32KB").build());
    // Undertow's hard limit follows for new connections (4 x 32 KB), so 100 KB is a 431 now, not its 400
    assertThat(fixture.connect().send(get("x".repeat(100 * 1024))).read().status()).isEqualTo(431);
    assertThat(fixture.connect().send(get("x".repeat(20 * 1024))).read().status()).isEqualTo(200);
    assertThat(fixture.backend.hits()).isEqualTo(2);
  }

  private static String get(String bigValue) {
    return "GET /headers HTTP/1.1\r\nHost: x\r\nX-Big: " + bigValue + "\r\n\r\n";
  }
}
