package dev.drover.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.drover.config.ConfigException;
import dev.drover.config.Rate;
import dev.drover.config.RouteRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CounterSlotsTest {

  @Test
  void rulesThatNeverMeetShareACounter() {
    Map<Integer, Integer> slots = CounterSlots.assign(rules(
        rule("/login", "POST"), rule("/login", "GET"), rule("/api/*", ""), rule("/static/*", "")));

    assertThat(slots).containsExactlyInAnyOrderEntriesOf(Map.of(1, 1, 2, 1, 3, 1, 4, 1));
  }

  @Test
  void nestedRulesTakeTheTwoCounters() {
    Map<Integer, Integer> slots = CounterSlots.assign(rules(rule("/api/v1/login", ""), rule("/api/*", "")));

    assertThat(slots).containsExactlyInAnyOrderEntriesOf(Map.of(2, 1, 1, 2));
  }

  @Test
  void differentMethodsOnNestedPathsDoNotMeet() {
    Map<Integer, Integer> slots = CounterSlots.assign(rules(
        rule("/*", "GET"), rule("/api/*", "POST"), rule("/api/login", "DELETE")));

    assertThat(slots.values()).containsOnly(1);
  }

  @Test
  void threeNestedRulesAreRefused() {
    assertThatThrownBy(() -> CounterSlots.assign(rules(
        rule("/api/login", "POST"), rule("/api/*", ""), rule("/*", ""), rule("/other", ""))))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("balancer.rate_limit.routes: rules 1 (\"/api/login\"), 2 (\"/api/*\") and 3 (\"/*\")");
  }

  private static RouteRule rule(String path, String method) {
    return new RouteRule(path, method, Rate.parse("1/second"), 0);
  }

  private static List<Routes.Numbered> rules(RouteRule... rules) {
    List<Routes.Numbered> out = new ArrayList<>();
    for (int i = 0; i < rules.length; i++) {
      out.add(new Routes.Numbered(i + 1, rules[i]));
    }
    return out;
  }
}
