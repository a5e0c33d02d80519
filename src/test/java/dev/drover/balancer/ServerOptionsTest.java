package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** read_timeout and idle_timeout as a client sees them, on real connections. */
class ServerOptionsTest {
  private BalancerFixture fixture;

  @AfterEach
  void tearDown() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void aHeadTrickledInByteByByteIsCutAfterReadTimeout() {
    fixture = BalancerFixture.start(TestSettings.balancer().readTimeout(Duration.ofSeconds(1)).build());
    RawConnection slow = fixture.connect();
    slow.soTimeout(Duration.ofMillis(200));

    long t0 = System.nanoTime();
    slow.send("GET / HTTP/1.1\r\nHost: x\r\n");
    String trickle = "X-Slow: " + "y".repeat(100);
    long closedAfter = -1;
    for (int i = 0; i < 40 && closedAfter < 0; i++) { // a byte every 200 ms, for 8 s at most
      int read = slow.readByte();
      if (read == -1 || !slow.trySend(trickle.substring(i, i + 1))) {
        closedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      }
    }

    assertThat(closedAfter).as("closed although bytes kept coming").isBetween(900L, 3000L);
    assertThat(fixture.backend.hits()).isZero();
    System.out.printf("trickling head cut after %d ms%n", closedAfter);
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedAfterIdleTimeout() {
    fixture = BalancerFixture.start(TestSettings.balancer().idleTimeout(Duration.ofSeconds(1)).build());
    RawConnection client = fixture.connect();
    assertThat(client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);

    long t0 = System.nanoTime();
    boolean closed = client.closedWithin(Duration.ofSeconds(4));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

    assertThat(closed).isTrue();
    assertThat(millis).isBetween(800L, 3000L);
  }

  @Test
  void aConnectionThatNeverSendsIsClosedAfterIdleTimeout() {
    fixture = BalancerFixture.start(TestSettings.balancer().idleTimeout(Duration.ofSeconds(1)).build());

    long t0 = System.nanoTime();
    boolean closed = fixture.connect().closedWithin(Duration.ofSeconds(4));

    assertThat(closed).isTrue();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(800L, 3000L);
  }

  @Test
  void timeoutsSetByAReloadApplyToConnectionsOpenedAfterIt() {
    fixture = BalancerFixture.start(TestSettings.balancer().idleTimeout(Duration.ofSeconds(30)).build());
    RawConnection before = fixture.connect();
    assertThat(before.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);

    fixture.balancer.reconfigure(TestSettings.balancer().idleTimeout(Duration.ofMillis(500)).build());
    RawConnection after = fixture.connect();
    assertThat(after.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);

    assertThat(after.closedWithin(Duration.ofSeconds(3))).isTrue();
    assertThat(before.closedWithin(Duration.ofMillis(500))).as("open before the reload: keeps its 30 s").isFalse();
  }
}
