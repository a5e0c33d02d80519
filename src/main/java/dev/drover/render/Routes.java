package dev.drover.render;

import dev.drover.config.RateLimitSettings;
import dev.drover.config.RouteRule;
import java.util.ArrayList;
import java.util.List;

/** Which requests the route rules of {@code balancer.rate_limit} can share, as both fronts need to know. */
final class Routes {
  /** Workers answer drover's own health checks under this prefix; a front answers 404 there. */
  static final String INTERNAL_PREFIX = "/_drover/";

  /** A route rule with its 1-based position in settings.toml, which names its zone or table. */
  record Numbered(int number, RouteRule rule) {
  }

  private Routes() {
  }

  /**
   * The rules a front must enforce, numbered as written: none when rate limiting is off, and none under
   * {@value #INTERNAL_PREFIX}, which no client reaches anyway.
   */
  static List<Numbered> enforced(RateLimitSettings rateLimit) {
    List<Numbered> out = new ArrayList<>();
    if (!rateLimit.enabled()) {
      return out;
    }
    for (int i = 0; i < rateLimit.routes().size(); i++) {
      RouteRule rule = rateLimit.routes().get(i);
      if (!rule.prefix().startsWith(INTERNAL_PREFIX)) {
        out.add(new Numbered(i + 1, rule));
      }
    }
    return out;
  }

  /** True when every request an nginx location gets (exact {@code = path}, or prefix {@code path}) matches the rule's path. */
  static boolean covers(RouteRule rule, String locationPath, boolean exactLocation) {
    if (!rule.isPrefix()) {
      return exactLocation && locationPath.equals(rule.path());
    }
    return locationPath.startsWith(rule.prefix());
  }

  /** True when one request can match both rules: their paths overlap and their methods agree. */
  static boolean overlap(RouteRule a, RouteRule b) {
    if (!a.method().isEmpty() && !b.method().isEmpty() && !a.method().equals(b.method())) {
      return false;
    }
    if (a.isPrefix() && b.isPrefix()) {
      return a.prefix().startsWith(b.prefix()) || b.prefix().startsWith(a.prefix());
    }
    if (a.isPrefix()) {
      return b.path().startsWith(a.prefix());
    }
    return b.isPrefix() ? a.path().startsWith(b.prefix()) : a.path().equals(b.path());
  }
}
