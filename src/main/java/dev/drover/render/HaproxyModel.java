package dev.drover.render;

import dev.drover.config.BalancerSettings;
import dev.drover.config.Durations;
import dev.drover.config.HostPort;
import dev.drover.config.RateLimitSettings;
import dev.drover.config.RouteRule;
import dev.drover.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code haproxy.cfg.mustache} shows. Every decision is taken here so the template only fills in and
 * loops; a {@code null} part is off and its section is skipped.
 */
record HaproxyModel(
    String project,
    String env,
    List<String> notes,
    String bind,
    Tls tls,
    Redirect redirect,
    String scheme,
    String connectTimeout,
    String readTimeout,
    String idleTimeout,
    String upstreamTimeout,
    Long maxBody,
    int queueLimit,
    String trustedProxies,
    String clientKey,
    List<Limit> limits,
    String balance,
    List<Server> servers) {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final String CLIENT_VARIABLE = "var(txn.drover_client)";

  record Tls(String cert) {
  }

  /** A plain-HTTP frontend on {@code tls.redirect_from} that sends clients to the TLS listener. */
  record Redirect(String bind, String portSuffix) {
  }

  /**
   * One rate limit: a stick table counting requests per client in a sliding window, tracked on counter
   * {@code slot} for requests meeting {@code condition} (null: every request).
   */
  record Limit(String table, int slot, List<String> acls, String condition, String window, long threshold,
      List<String> notes) {
  }

  /** {@code maxconn} per worker keeps at most {@code balancer.max_concurrent} requests in flight; the rest queue. */
  record Server(String name, String address, int maxconn) {
  }

  static HaproxyModel of(Settings settings, Path projectDir, List<String> workers) {
    BalancerSettings b = settings.balancer();
    List<String> notes = new ArrayList<>();
    var tls = TlsFiles.of(b.tls(), projectDir);
    tls.filter(t -> !t.key().equals(t.cert()) && !t.key().toString().equals(t.cert() + ".key"))
        .ifPresent(t -> notes.add("HAProxy reads the private key from the certificate file or from " + t.cert()
            + ".key; link the key there: ln -s " + t.key() + " " + t.cert() + ".key"));
    Redirect redirect = tls.filter(t -> t.redirectFrom() > 0)
        .map(t -> new Redirect(new HostPort(b.listen().host(), t.redirectFrom()).toString(), TlsFiles.portSuffix(b.listen())))
        .orElse(null);
    List<String> trusted = b.trustedProxies();
    int perWorker = (int) Math.max(1, Math.ceil((double) b.maxConcurrent() / workers.size()));
    List<Server> servers = new ArrayList<>();
    for (int i = 0; i < workers.size(); i++) {
      servers.add(new Server("worker" + (i + 1), workers.get(i), perWorker));
    }
    return new HaproxyModel(
        projectDir.getFileName() == null ? "" : projectDir.getFileName().toString(),
        settings.env(),
        List.copyOf(notes),
        b.listen().toString(),
        tls.map(t -> new Tls(Quoting.haproxy(t.cert().toString()))).orElse(null),
        redirect,
        tls.isPresent() ? "https" : "http",
        Durations.format(CONNECT_TIMEOUT.compareTo(b.upstreamTimeout()) < 0 ? CONNECT_TIMEOUT : b.upstreamTimeout()),
        Durations.format(b.readTimeout()),
        Durations.format(b.idleTimeout()),
        Durations.format(b.upstreamTimeout()),
        b.maxBody().bytes() > 0 ? b.maxBody().bytes() : null,
        // queue(backend) counts requests already waiting, so 1 is the closest to "no queue".
        Math.max(1, b.queue()),
        trusted.isEmpty() ? null : String.join(" ", trusted),
        trusted.isEmpty() ? "src" : CLIENT_VARIABLE,
        limits(b.rateLimit()),
        b.strategy().equals("least_connections") ? "leastconn" : "roundrobin",
        List.copyOf(servers));
  }

  private static List<Limit> limits(RateLimitSettings rateLimit) {
    List<Limit> out = new ArrayList<>();
    if (!rateLimit.enabled()) {
      return out;
    }
    Rates.Window w = Rates.haproxy(rateLimit.defaultLimit(), rateLimit.burst());
    out.add(new Limit("drover_rate_default", CounterSlots.DEFAULT_SLOT, List.of(), null, w.window(), w.threshold(),
        notes("the default limit per client, " + rateLimit.defaultLimit() + ", burst " + w.threshold(), w)));
    List<Routes.Numbered> rules = Routes.enforced(rateLimit);
    Map<Integer, Integer> slots = CounterSlots.assign(rules);
    for (Routes.Numbered n : rules) {
      RouteRule r = n.rule();
      String acl = "drover_route_" + n.number();
      String match = r.isPrefix() ? "-m beg " : "-m str ";
      String condition = acl + (r.method().isEmpty() ? "" : " { method " + r.method() + " }");
      Rates.Window rw = Rates.haproxy(r.limit(), r.burst());
      String what = "route rule " + n.number() + ": " + (r.method().isEmpty() ? "" : r.method() + " ") + r.path()
          + " at " + r.limit() + ", burst " + rw.threshold();
      out.add(new Limit("drover_rate_route_" + n.number(), slots.get(n.number()),
          List.of(acl + " path,url_dec " + match + Quoting.haproxy(r.prefix())), condition, rw.window(), rw.threshold(),
          notes(what, rw)));
    }
    return List.copyOf(out);
  }

  private static List<String> notes(String what, Rates.Window w) {
    return w.note().isEmpty() ? List.of(what) : List.of(what, w.note());
  }
}
