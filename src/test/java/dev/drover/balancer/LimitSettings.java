package dev.drover.balancer;

import dev.drover.config.BalancerSettings;
import dev.drover.config.DataSize;
import java.time.Duration;
import java.util.List;

/** {@link TestSettings} with the protection knobs turned: concurrency, connections, sizes and timeouts. */
final class LimitSettings {
  private final BalancerSettings base = TestSettings.balancer().build();
  private int maxConcurrent = base.maxConcurrent();
  private int queue = base.queue();
  private int maxConnectionsPerIp = base.maxConnectionsPerIp();
  private DataSize maxBody = base.maxBody();
  private DataSize maxHeaderSize = base.maxHeaderSize();
  private Duration readTimeout = base.readTimeout();
  private Duration idleTimeout = base.idleTimeout();
  private Duration upstreamTimeout = base.upstreamTimeout();
  private List<String> trustedProxies = base.trustedProxies();

  static LimitSettings balancer() {
    return new LimitSettings();
  }

  LimitSettings maxConcurrent(int value) {
    maxConcurrent = value;
    return this;
  }

  LimitSettings queue(int value) {
    queue = value;
    return this;
  }

  LimitSettings maxConnectionsPerIp(int value) {
    maxConnectionsPerIp = value;
    return this;
  }

  LimitSettings maxBody(String value) {
    maxBody = DataSize.parse(value);
    return this;
  }

  LimitSettings maxHeaderSize(String value) {
    maxHeaderSize = DataSize.parse(value);
    return this;
  }

  LimitSettings readTimeout(Duration value) {
    readTimeout = value;
    return this;
  }

  LimitSettings idleTimeout(Duration value) {
    idleTimeout = value;
    return this;
  }

  LimitSettings upstreamTimeout(Duration value) {
    upstreamTimeout = value;
    return this;
  }

  LimitSettings trustedProxies(String... value) {
    trustedProxies = List.of(value);
    return this;
  }

  BalancerSettings build() {
    return new BalancerSettings(base.listen(), base.strategy(), maxConcurrent, queue, maxConnectionsPerIp, maxBody,
        maxHeaderSize, readTimeout, idleTimeout, upstreamTimeout, trustedProxies, base.accessLogFormat(),
        base.adminListen(), base.rateLimit(), base.tls());
  }
}
