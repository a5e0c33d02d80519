package dev.drover.balancer;

import dev.drover.config.Rate;
import dev.drover.config.RouteRule;
import io.github.bucket4j.TimeMeter;
import java.util.concurrent.Executor;

/**
 * One limit of {@code balancer.rate_limit}: the default, which every request meets, or a route rule, which
 * the requests it matches meet as well. Each has its own buckets, one per client.
 */
final class LimitRule {
  /** What makes two limits the same, so a reload keeps the buckets of a limit it did not change. */
  record Spec(RouteRule route, Rate rate, long capacity) {

    /** The default limit; a burst of 0 means the limit's own count, as in the generated nginx and HAProxy files. */
    static Spec defaultLimit(Rate rate, int burst) {
      return new Spec(null, rate, burst > 0 ? burst : rate.count());
    }

    static Spec route(RouteRule rule) {
      return new Spec(rule, rule.limit(), rule.burst() > 0 ? rule.burst() : rule.limit().count());
    }
  }

  private final Spec spec;
  private final BucketStore store;
  /** {@code RateLimit-Limit}, made once rather than on every response. */
  private final String limitHeader;
  // the route's match, taken apart once: RouteRule.matches cuts the prefix out of the path on every call
  private final boolean everyRequest;
  private final String method;
  private final boolean prefix;
  private final String path;

  LimitRule(Spec spec, int maxEntries, TimeMeter clock, Executor sweeper) {
    this.spec = spec;
    this.store = new BucketStore(spec.rate(), spec.capacity(), maxEntries, clock, sweeper);
    this.limitHeader = Long.toString(spec.capacity());
    RouteRule r = spec.route();
    this.everyRequest = r == null;
    this.method = r == null ? "" : r.method();
    this.prefix = r != null && r.isPrefix();
    this.path = r == null ? "" : r.prefix();
  }

  Spec spec() {
    return spec;
  }

  BucketStore store() {
    return store;
  }

  String limitHeader() {
    return limitHeader;
  }

  /**
   * {@link RouteRule#matches}, the rule the generated fronts follow too: exact path or prefix, and a rule with
   * a method leaves other methods alone. {@code requestPath} is canonical (see {@link RateLimitHandler}).
   */
  boolean matches(String requestMethod, String requestPath) {
    if (everyRequest) {
      return true;
    }
    if (!method.isEmpty() && !method.equalsIgnoreCase(requestMethod)) {
      return false;
    }
    return prefix ? requestPath.startsWith(path) : requestPath.equals(path);
  }

  @Override
  public String toString() {
    RouteRule r = spec.route();
    String what = r == null ? "default" : (r.method().isEmpty() ? "" : r.method() + " ") + r.path();
    return what + " " + spec.rate() + " burst " + spec.capacity();
  }
}
