package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  @Test
  void matchesAddressesAndRanges() throws Exception {
    TrustedProxies trusted = TrustedProxies.parse(List.of("10.0.0.0/8", "192.168.1.7", "172.16.0.0/12", "fd00::/8"));

    assertThat(trusted.trusts(ip("10.200.3.4"))).isTrue();
    assertThat(trusted.trusts(ip("192.168.1.7"))).isTrue();
    assertThat(trusted.trusts(ip("192.168.1.8"))).isFalse();
    assertThat(trusted.trusts(ip("172.31.255.255"))).isTrue();
    assertThat(trusted.trusts(ip("172.32.0.1"))).isFalse();
    assertThat(trusted.trusts(ip("fd12::1"))).isTrue();
    assertThat(trusted.trusts(ip("fe80::1"))).isFalse();
    assertThat(trusted.trusts(ip("11.0.0.1"))).isFalse();
  }

  @Test
  void emptyTrustsNobody() throws Exception {
    TrustedProxies none = TrustedProxies.parse(List.of());

    assertThat(none.isEmpty()).isTrue();
    assertThat(none.trusts(ip("127.0.0.1"))).isFalse();
  }

  @Test
  void refusesNamesAndBadRangesNamingTheSetting() {
    for (String bad : List.of("proxy.example", "localhost", "10.0.0.0/33", "10.0.0.0/x", "::1/129", "1.2.3")) {
      assertThatThrownBy(() -> TrustedProxies.parse(List.of(bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("balancer.trusted_proxies")
          .hasMessageContaining(bad);
    }
  }
}
