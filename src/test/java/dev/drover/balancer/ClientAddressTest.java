package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
  private static final TrustedProxies TRUSTED = TrustedProxies.parse(List.of("127.0.0.1", "10.0.0.0/8", "fd00::/8"));

  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  private static InetAddress resolve(String peer, String... forwardedFor) throws Exception {
    return ClientAddress.resolve(ip(peer), List.of(forwardedFor), TRUSTED);
  }

  @Test
  void anUntrustedPeerIsTheClientWhateverItClaims() throws Exception {
    assertThat(resolve("192.0.2.1", "203.0.113.9")).isEqualTo(ip("192.0.2.1"));
    assertThat(ClientAddress.resolve(ip("127.0.0.1"), List.of("203.0.113.9"), TrustedProxies.parse(List.of())))
        .isEqualTo(ip("127.0.0.1"));
  }

  @Test
  void behindTrustedProxiesTheRightMostUntrustedHopIsTheClient() throws Exception {
    assertThat(resolve("127.0.0.1", "203.0.113.9")).isEqualTo(ip("203.0.113.9"));
    assertThat(resolve("127.0.0.1", "203.0.113.9, 10.0.0.5")).isEqualTo(ip("203.0.113.9"));
    assertThat(resolve("127.0.0.1", "6.6.6.6, 1.2.3.4, 203.0.113.9,10.0.0.5"))
        .as("entries left of the client were written by the client").isEqualTo(ip("203.0.113.9"));
    assertThat(resolve("127.0.0.1", "6.6.6.6", "203.0.113.9, 10.0.0.5"))
        .as("later header lines are nearer").isEqualTo(ip("203.0.113.9"));
    assertThat(resolve("127.0.0.1")).isEqualTo(ip("127.0.0.1"));
  }

  @Test
  void whenEveryHopIsTrustedTheFarthestIsTheClient() throws Exception {
    assertThat(resolve("127.0.0.1", "10.0.0.7, 10.0.0.5")).isEqualTo(ip("10.0.0.7"));
    assertThat(resolve("127.0.0.1", " , ")).isEqualTo(ip("127.0.0.1"));
  }

  @Test
  void anUnreadableHopStopsAtTheLastOneVouchedFor() throws Exception {
    assertThat(resolve("127.0.0.1", "unknown")).isEqualTo(ip("127.0.0.1"));
    assertThat(resolve("127.0.0.1", "203.0.113.9, bogus, 10.0.0.5")).isEqualTo(ip("10.0.0.5"));
  }

  @Test
  void readsPortsAndIpv6AsProxiesWriteThem() throws Exception {
    assertThat(resolve("127.0.0.1", "203.0.113.9:5123")).isEqualTo(ip("203.0.113.9"));
    assertThat(resolve("127.0.0.1", "[2001:db8::1]:443")).isEqualTo(ip("2001:db8::1"));
    assertThat(resolve("127.0.0.1", "2001:db8::2, fd00::5")).isEqualTo(ip("2001:db8::2"));
    assertThat(resolve("127.0.0.1", "::ffff:198.51.100.4")).isEqualTo(ip("198.51.100.4"));
  }

  @Test
  void literalsOnlyNeverNames() {
    for (String bad : List.of("localhost", "example.com", "1.2.3", "1.2.3.256", "1.2.3.4.5", "01234.1.1.1", "::zz",
        "abc:::::", "[::1", "\u0663.1.1.1", "1..2.3", "fe80::1%eth0", "")) {
      assertThat(ClientAddress.literal(bad)).as(bad).isNull();
    }
    assertThat(ClientAddress.literal("0.0.0.0")).isNotNull();
    assertThat(ClientAddress.literal("255.255.255.255")).isNotNull();
  }
}
