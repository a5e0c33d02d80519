package dev.drover.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitStormsTest {
  private static InetAddress ip(String text) throws Exception {
    return InetAddress.getByName(text);
  }

  @Test
  void addressesAreMaskedToTheirNetwork() throws Exception {
    assertThat(RateLimitStorms.network(ip("203.0.113.77"))).isEqualTo("203.0.113.0/24");
    assertThat(RateLimitStorms.network(ip("2001:db8:1:2::5"))).isEqualTo("2001:db8:1::/48");
  }

  @Test
  void aStormIsAnEventWhenItStartsEveryThirtySecondsWhileItLastsAndWhenItEnds() throws Exception {
    Events events = new Events(Clock.systemUTC());
    RateLimitStorms storms = new RateLimitStorms(events);
    Map<InetAddress, Long> flood = Map.of(ip("203.0.113.7"), 90L, ip("203.0.113.8"), 30L, ip("198.51.100.1"), 25L,
        ip("192.0.2.1"), 1L, ip("192.0.2.200"), 1L);
    storms.observe(Map.of(ip("203.0.113.7"), 5L), 1.0, 0);
    assertThat(events.last(10)).isEmpty();

    storms.observe(flood, 1.0, 1_000);
    storms.observe(flood, 1.0, 2_000);
    storms.observe(flood, 1.0, 31_000);
    assertThat(events.last(10)).hasSize(2);
    assertThat(events.last(1).get(0).kind()).isEqualTo("storm");
    assertThat(events.last(1).get(0).text()).isEqualTo(
        "rate-limit storm: 147 requests/s refused (429); top clients 203.0.113.0/24 (120), 198.51.100.0/24 (25),"
            + " 192.0.2.0/24 (2)");
    assertThat(events.last(1, true).get(0).text()).startsWith("rate-limit storm: 147 requests/s refused (429); top clients"
        + " 203.0.113.7 (90), 203.0.113.8 (30), 198.51.100.1 (25)");

    storms.observe(Map.of(), 1.0, 32_000);
    assertThat(events.last(1).get(0).text()).isEqualTo("rate-limit storm over");
    storms.observe(Map.of(), 1.0, 33_000);
    assertThat(events.last(10)).hasSize(3);
  }
}
