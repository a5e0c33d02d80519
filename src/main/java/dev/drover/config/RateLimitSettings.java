package dev.drover.config;

import java.util.List;

/** {@code [<env>.balancer.rate_limit]}: the per-client limit and the per-route rules. */
public record RateLimitSettings(boolean enabled, Rate defaultLimit, int burst, List<RouteRule> routes) {
}
