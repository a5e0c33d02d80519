package dev.drover.config;

import java.time.Duration;
import java.util.List;

/** {@code [<env>.balancer]}: the built-in front door and its protection. */
public record BalancerSettings(
    HostPort listen,
    String strategy,
    int maxConcurrent,
    int queue,
    int maxConnectionsPerIp,
    DataSize maxBody,
    DataSize maxHeaderSize,
    Duration readTimeout,
    Duration idleTimeout,
    Duration upstreamTimeout,
    List<String> trustedProxies,
    String accessLogFormat,
    String adminListen,
    RateLimitSettings rateLimit,
    TlsSettings tls,
    boolean fastPath) {
}
