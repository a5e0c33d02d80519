package dev.drover.balancer;

import dev.drover.config.BalancerSettings;
import dev.drover.config.DataSize;
import dev.drover.config.HostPort;
import dev.drover.config.RateLimitSettings;
import dev.drover.config.SettingsLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Balancer settings as a user gets them by default, on a free loopback port, with a few knobs to turn. Rate
 * limiting is off unless a test turns it on: the default 200/minute per client would refuse the traffic of
 * tests that are about something else, all of which comes from 127.0.0.1.
 */
final class TestSettings {
  private static BalancerSettings defaults;

  private String strategy;
  private Duration upstreamTimeout;
  private List<String> trustedProxies;
  private DataSize maxBody;
  private RateLimitSettings rateLimit;
  private int maxConcurrent;
  private int queue;
  private int maxConnectionsPerIp;
  private DataSize maxHeaderSize;
  private Duration readTimeout;
  private Duration idleTimeout;
  private boolean fastPath;
  private HostPort listen = new HostPort("127.0.0.1", 0);

  private TestSettings() {
    BalancerSettings d = defaults();
    strategy = d.strategy();
    upstreamTimeout = d.upstreamTimeout();
    trustedProxies = d.trustedProxies();
    maxBody = d.maxBody();
    maxConcurrent = d.maxConcurrent();
    queue = d.queue();
    maxConnectionsPerIp = d.maxConnectionsPerIp();
    maxHeaderSize = d.maxHeaderSize();
    readTimeout = d.readTimeout();
    idleTimeout = d.idleTimeout();
    fastPath = d.fastPath();
    RateLimitSettings r = d.rateLimit();
    rateLimit = new RateLimitSettings(false, r.defaultLimit(), r.burst(), r.routes());
  }

  static TestSettings balancer() {
    return new TestSettings();
  }

  TestSettings strategy(String value) {
    strategy = value;
    return this;
  }

  TestSettings upstreamTimeout(Duration value) {
    upstreamTimeout = value;
    return this;
  }

  TestSettings trustedProxies(String... value) {
    trustedProxies = List.of(value);
    return this;
  }

  TestSettings maxBody(DataSize value) {
    maxBody = value;
    return this;
  }

  TestSettings maxBody(String value) {
    return maxBody(DataSize.parse(value));
  }

  TestSettings maxConcurrent(int value) {
    maxConcurrent = value;
    return this;
  }

  TestSettings queue(int value) {
    queue = value;
    return this;
  }

  TestSettings maxConnectionsPerIp(int value) {
    maxConnectionsPerIp = value;
    return this;
  }

  TestSettings maxHeaderSize(String value) {
    maxHeaderSize = DataSize.parse(value);
    return this;
  }

  TestSettings readTimeout(Duration value) {
    readTimeout = value;
    return this;
  }

  TestSettings idleTimeout(Duration value) {
    idleTimeout = value;
    return this;
  }

  TestSettings listen(HostPort value) {
    listen = value;
    return this;
  }

  /** false sends every request through Undertow, as {@code balancer.fast_path = false} does. */
  TestSettings fastPath(boolean value) {
    fastPath = value;
    return this;
  }

  TestSettings rateLimit(RateLimitSettings value) {
    rateLimit = value;
    return this;
  }

  BalancerSettings build() {
    BalancerSettings d = defaults();
    return new BalancerSettings(listen, strategy, maxConcurrent, queue, maxConnectionsPerIp,
        maxBody, maxHeaderSize, readTimeout, idleTimeout, upstreamTimeout, trustedProxies, d.accessLogFormat(),
        d.adminListen(), rateLimit, d.tls(), fastPath);
  }

  /** Loaded through the real loader from an empty project, so the defaults are the schema's. */
  static synchronized BalancerSettings defaults() {
    if (defaults == null) {
      try {
        Path dir = Files.createTempDirectory("drover-balancer-test");
        Files.writeString(dir.resolve(SettingsLoader.SETTINGS_FILE), "[default]\n");
        defaults = new SettingsLoader(dir, Map.of()).load(SettingsLoader.DEFAULT_ENV).settings().balancer();
        Files.delete(dir.resolve(SettingsLoader.SETTINGS_FILE));
        Files.delete(dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return defaults;
  }
}
