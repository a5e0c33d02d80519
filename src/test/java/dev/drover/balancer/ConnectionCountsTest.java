package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ConnectionCountsTest {
  private final ConnectionCounts counts = new ConnectionCounts();

  @Test
  void anAddressGetsUpToItsLimitAndAgainOnceOneCloses() throws Exception {
    InetAddress a = InetAddress.getByName("192.0.2.1");
    InetAddress b = InetAddress.getByName("192.0.2.2");

    assertThat(counts.acquire(a, 2)).isTrue();
    assertThat(counts.acquire(a, 2)).isTrue();
    assertThat(counts.acquire(a, 2)).isFalse();
    assertThat(counts.acquire(b, 2)).isTrue();
    assertThat(counts.open(a)).isEqualTo(2);

    counts.release(a);
    assertThat(counts.acquire(a, 2)).isTrue();
  }

  @Test
  void zeroMeansNoLimitAndAnAddressIsForgottenWithItsLastConnection() throws Exception {
    InetAddress a = InetAddress.getByName("2001:db8::1");
    for (int i = 0; i < 1_000; i++) {
      assertThat(counts.acquire(a, 0)).isTrue();
    }
    assertThat(counts.open(a)).isEqualTo(1_000);
    for (int i = 0; i < 1_000; i++) {
      counts.release(a);
    }
    assertThat(counts.open(a)).isZero();
    assertThat(counts.addresses()).isZero();
  }
}
