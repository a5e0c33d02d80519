package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The raw head check on real connections: where heads start and end on a keep-alive connection (bodies are skipped,
 * not read as heads), heads split over many reads, and what comes after a refused or upgraded head.
 */
class HeadScannerTest {
  private static final String GET = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  private BalancerFixture fixture;

  @AfterEach
  void tearDown() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void aBareCrSentByteByByteIsStill400() {
    fixture = BalancerFixture.start(TestSettings.balancer().build());
    RawConnection c = fixture.connect();
    for (char ch : "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rX-Injected: 1\r\n\r\n".toCharArray()) {
      c.send(String.valueOf(ch));
    }

    assertThat(c.read().status()).isEqualTo(400);
    assertThat(c.closedWithin(Duration.ofSeconds(2))).isTrue();
    assertThat(fixture.backend.hits()).isZero();
  }

  @Test
  void bodiesThatLookLikeBrokenHeadsAreBodies() {
    fixture = BalancerFixture.start(TestSettings.balancer().build());
    String junk = "X A: b\r\n\rY\0: c\r\n : d\r\n\r\n";
    String chunk = Integer.toHexString(junk.length());
    RawConnection c = fixture.connect().send(
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + junk.length() + "\r\n\r\n" + junk
            + "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + "\r\n" + junk + "\r\n0\r\n\r\n"
            + GET);

    assertThat(c.read().body()).isEqualTo("a " + junk.length());
    assertThat(c.read().body()).isEqualTo("a " + junk.length());
    assertThat(c.read().status()).isEqualTo(200);
    assertThat(fixture.backend.hits()).isEqualTo(3);
  }

  @Test
  void aBrokenHeadBehindGoodOnesIsRefusedAfterThemAndNothingAfterItIsRead() {
    fixture = BalancerFixture.start(TestSettings.balancer().build());
    RawConnection c = fixture.connect().send(GET + GET + "GET / HTTP/1.1\r\nHost: x\r\nX A: b\r\n\r\n" + GET);

    assertThat(c.read().status()).isEqualTo(200);
    assertThat(c.read().status()).isEqualTo(200);
    assertThat(c.read().status()).isEqualTo(400);
    assertThat(c.closedWithin(Duration.ofSeconds(2))).isTrue();
    assertThat(fixture.backend.hits()).isEqualTo(2);
  }

  @Test
  void anUpgradeThatIsNotSwitchedEndsTheConnectionAfterItsAnswer() {
    fixture = BalancerFixture.start(TestSettings.balancer().build());
    RawConnection c = fixture.connect()
        .send("GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: foo\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nX A: b\r\n\r\n");

    assertThat(c.read().status()).isEqualTo(200);
    assertThat(c.closedWithin(Duration.ofSeconds(2))).isTrue();
    assertThat(fixture.backend.hits()).isEqualTo(1);
  }

  @Test
  void aHeadCutAtTheHardLimitGets431WithABody() {
    fixture = BalancerFixture.start(TestSettings.balancer().maxHeaderSize("1KB").build());
    for (String head : new String[] {
        "GET /" + "t".repeat(ServerOptions.MIN_HARD_HEADER_LIMIT + 1000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.1\r\nX-" + "n".repeat(ServerOptions.MIN_HARD_HEADER_LIMIT + 1000) + ": v\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\n" + fields(ServerOptions.MIN_HARD_HEADER_LIMIT / 16 + 100) + "\r\n"}) {
      RawConnection c = fixture.connect();
      // sent in parts and read as they come, so the answer is not lost to a reset for unread bytes
      c.send(head.substring(0, ServerOptions.MIN_HARD_HEADER_LIMIT + 100));
      RawConnection.Answer answer = c.read();

      assertThat(answer.status()).as(head.substring(0, 20)).isEqualTo(431);
      assertThat(answer.body()).startsWith("431 Request Header Fields Too Large");
    }
    assertThat(fixture.backend.hits()).isZero();
  }

  /** {@code n} short fields with distinct names (Undertow refuses more than 127 values of one name). */
  static String fields(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append("X-F").append(i).append(": 0123456789\r\n");
    }
    return b.toString();
  }
}
