package dev.drover.render;

import dev.drover.config.BalancerSettings;
import dev.drover.config.DataSize;
import dev.drover.config.Durations;
import dev.drover.config.HostPort;
import dev.drover.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What {@code nginx.conf.mustache} shows. Every decision is taken here so the template only fills in and
 * loops; a {@code null} part is off and its section is skipped.
 */
record NginxModel(
    String project,
    String env,
    String listen,
    Tls tls,
    Redirect redirect,
    List<String> workers,
    boolean leastConn,
    int keepalive,
    int workerConnections,
    boolean jsonLog,
    String readTimeout,
    String idleTimeout,
    String upstreamTimeout,
    String connectTimeout,
    String maxBody,
    String maxHeaderSize,
    RealIp realIp,
    String forwardedFor,
    Integer connectionsPerIp,
    boolean rateLimited,
    List<NginxLocations.Zone> zones,
    List<NginxLocations.Location> locations) {

  /** nginx's own connect timeout is 60 s; a worker on this machine that does not accept in 5 s is not coming. */
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** Idle connections each nginx process keeps to the workers; enough for every worker to be busy several times over. */
  private static final int KEEPALIVE_PER_WORKER = 8;
  private static final int MIN_KEEPALIVE = 32;
  private static final int MIN_WORKER_CONNECTIONS = 1024;

  record Tls(String cert, String key) {
  }

  /** {@code balancer.trusted_proxies}, whose X-Forwarded-For names the client. */
  record RealIp(List<String> from) {
  }

  /** A plain-HTTP server on {@code tls.redirect_from} that sends clients to the TLS listener. */
  record Redirect(String listen, String portSuffix) {
  }

  static NginxModel of(Settings settings, Path projectDir, List<String> workers) {
    BalancerSettings b = settings.balancer();
    var tls = TlsFiles.of(b.tls(), projectDir);
    Tls tlsView = tls.map(t -> new Tls(Quoting.nginx(t.cert().toString()), Quoting.nginx(t.key().toString()))).orElse(null);
    Redirect redirect = tls.filter(t -> t.redirectFrom() > 0)
        .map(t -> new Redirect(new HostPort(b.listen().host(), t.redirectFrom()).toString(), TlsFiles.portSuffix(b.listen())))
        .orElse(null);
    List<String> trusted = b.trustedProxies();
    // Behind trusted proxies the realip module turns $remote_addr into the client, so the chain sent on is
    // rebuilt from the original peer to keep the proxy's own address in it.
    String forwardedFor = trusted.isEmpty() ? "$proxy_add_x_forwarded_for" : "$drover_forwarded_for";
    NginxLocations locations = new NginxLocations(b.rateLimit());
    return new NginxModel(
        projectDir.getFileName() == null ? "" : projectDir.getFileName().toString(),
        settings.env(),
        b.listen().toString(),
        tlsView,
        redirect,
        workers,
        b.strategy().equals("least_connections"),
        Math.max(MIN_KEEPALIVE, workers.size() * KEEPALIVE_PER_WORKER),
        // Each proxied request holds a client and an upstream connection.
        Math.max(MIN_WORKER_CONNECTIONS, 2 * (b.maxConcurrent() + b.queue())),
        b.accessLogFormat().equals("json"),
        Durations.format(b.readTimeout()),
        Durations.format(b.idleTimeout()),
        Durations.format(b.upstreamTimeout()),
        Durations.format(CONNECT_TIMEOUT.compareTo(b.upstreamTimeout()) < 0 ? CONNECT_TIMEOUT : b.upstreamTimeout()),
        size(b.maxBody()),
        size(b.maxHeaderSize()),
        trusted.isEmpty() ? null : new RealIp(trusted),
        forwardedFor,
        b.maxConnectionsPerIp() > 0 ? b.maxConnectionsPerIp() : null,
        b.rateLimit().enabled(),
        locations.zones(),
        locations.locations());
  }

  /** nginx's size units are the same powers of 1024 as drover's, spelled k, m, g. */
  static String size(DataSize size) {
    long bytes = size.bytes();
    if (bytes != 0 && bytes % (1L << 30) == 0) {
      return (bytes >> 30) + "g";
    }
    if (bytes != 0 && bytes % (1L << 20) == 0) {
      return (bytes >> 20) + "m";
    }
    if (bytes != 0 && bytes % (1L << 10) == 0) {
      return (bytes >> 10) + "k";
    }
    return Long.toString(bytes);
  }
}
