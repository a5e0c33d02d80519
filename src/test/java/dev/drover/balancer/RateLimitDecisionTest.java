package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drover.config.Rate;
import dev.drover.config.RateLimitSettings;
import dev.drover.config.RouteRule;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rate limit's decision on its own: an address, a method and a path in, a verdict out, no exchange. */
class RateLimitDecisionTest {
  private final BucketStoreTest.FakeClock clock = new BucketStoreTest.FakeClock();

  private RateLimitHandler.Limits limits(String rate, RouteRule... routes) {
    RateLimitSettings settings = new RateLimitSettings(true, Rate.parse(rate), 0, List.of(routes));
    return new RateLimitHandler(TestSettings.balancer().rateLimit(settings).build(), new Metrics(), exchange -> { },
        clock, 1_000, Runnable::run).limits();
  }

  private static List<Boolean> consumed(RateLimitHandler.Limits limits, InetAddress client, int n, String method,
      String path) {
    List<Boolean> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(limits.decide(client, method, path).probe().isConsumed());
    }
    return out;
  }

  @Test
  void aRefusedRouteGivesTheDefaultItsTokenBack() throws Exception {
    RateLimitHandler.Limits limits = limits("5/minute", new RouteRule("/login", "POST", Rate.parse("1/minute"), 0));
    InetAddress client = InetAddress.getByName("192.0.2.7");

    RateLimitHandler.Verdict first = limits.decide(client, "POST", "/login");
    assertThat(first.probe().isConsumed()).isTrue();
    assertThat(first.rule().spec().route()).isNotNull(); // the tightest limit met: 0 left there, 4 in the default
    // refused on the route, also when the path is spelled otherwise; the default's tokens come back each time
    assertThat(consumed(limits, client, 3, "POST", "//login")).containsOnly(false);
    assertThat(consumed(limits, client, 5, "GET", "/")).containsExactly(true, true, true, true, false);
  }

  @Test
  void eachAddressHasItsOwnBucketsAndTokensComeBackWithTime() throws Exception {
    RateLimitHandler.Limits limits = limits("2/minute");
    InetAddress a = InetAddress.getByName("192.0.2.1");
    InetAddress b = InetAddress.getByName("2001:db8::2");

    assertThat(consumed(limits, a, 3, "GET", "/")).containsExactly(true, true, false);
    assertThat(consumed(limits, b, 1, "GET", "/")).containsExactly(true);
    RateLimitHandler.Verdict refused = limits.decide(a, "GET", "/");
    assertThat(RateLimitHandler.secondsUp(refused.probe().getNanosToWaitForRefill())).isEqualTo(30);

    clock.advance(java.time.Duration.ofSeconds(30));
    assertThat(consumed(limits, a, 2, "GET", "/")).containsExactly(true, false);
  }
}
