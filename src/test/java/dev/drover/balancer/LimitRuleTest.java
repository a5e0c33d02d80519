package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drover.config.Rate;
import dev.drover.config.RouteRule;
import io.github.bucket4j.TimeMeter;
import java.util.List;
import org.junit.jupiter.api.Test;

class LimitRuleTest {

  private static LimitRule rule(LimitRule.Spec spec) {
    return new LimitRule(spec, 10, TimeMeter.SYSTEM_NANOTIME, Runnable::run);
  }

  @Test
  void matchesExactlyAsTheRouteRuleSays() {
    List<RouteRule> routes = List.of(
        new RouteRule("/login", "POST", Rate.parse("1/second"), 0),
        new RouteRule("/login", "", Rate.parse("1/second"), 0),
        new RouteRule("/api/*", "", Rate.parse("1/second"), 0),
        new RouteRule("/api/*", "get", Rate.parse("1/second"), 0),
        new RouteRule("/*", "DELETE", Rate.parse("1/second"), 0));
    List<String> methods = List.of("GET", "POST", "DELETE", "post");
    List<String> paths = List.of("/login", "/login/", "/logins", "/", "/api", "/api/", "/api/x/y", "/apix", "");
    for (RouteRule r : routes) {
      LimitRule limit = rule(LimitRule.Spec.route(r));
      for (String m : methods) {
        for (String p : paths) {
          assertThat(limit.matches(m, p)).as(r + " " + m + " " + p).isEqualTo(r.matches(m, p));
        }
      }
    }
    assertThat(rule(LimitRule.Spec.defaultLimit(Rate.parse("1/second"), 0)).matches("PATCH", "/any")).isTrue();
  }

  @Test
  void aBurstOfZeroIsTheLimitsOwnCount() {
    assertThat(LimitRule.Spec.defaultLimit(Rate.parse("200/minute"), 0).capacity()).isEqualTo(200);
    assertThat(LimitRule.Spec.defaultLimit(Rate.parse("200/minute"), 30).capacity()).isEqualTo(30);
    assertThat(rule(LimitRule.Spec.route(new RouteRule("/login", "POST", Rate.parse("10/second"), 0))).limitHeader())
        .isEqualTo("10");
  }
}
