package dev.drover.balancer;

import dev.drover.config.BalancerSettings;
import dev.drover.config.ConfigException;
import dev.drover.config.DroverException;
import dev.drover.config.HostPort;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.HttpContinueReadHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.xnio.OptionMap;

/**
 * The built-in load balancer: an Undertow listener on {@code balancer.listen} that proxies to a pool of
 * backends the owner changes while traffic flows.
 *
 * <p>A backend enters with {@link #admit} once it has answered a health check, leaves rotation with
 * {@link #retire} (requests in flight finish) and is forgotten with {@link #remove}. A backend that refuses a
 * connection, or drops one and then refuses, is taken out of rotation at once and reported to the
 * {@link BackendListener}; idempotent requests it dropped are retried on another backend. All methods are
 * thread-safe; pool changes take no lock on the request path.
 *
 * <p>Answers of its own: 503 with {@code Retry-After: 1} when no backend is in rotation, 502 when a backend
 * failed and no retry was possible, 504 when a backend did not start its response within
 * {@code balancer.upstream_timeout}, 404 for {@code /_drover/}, 413 above {@code balancer.max_body}, 431 above
 * {@code balancer.max_header_size}, 400 for a request whose framing is ambiguous or broken, 408 for a chunked body
 * that stops coming, and 503 with {@code Retry-After: 1} when {@code balancer.max_concurrent} requests are in flight
 * and {@code balancer.queue} more are waiting. Connections beyond {@code balancer.max_connections_per_ip} are
 * closed as they are accepted.
 *
 * <p>Every response is counted in {@link #metrics()}; with {@code balancer.admin_listen} set, a second small
 * listener there serves them as Prometheus text on {@code GET /metrics}.
 *
 * <p>On a plain listener the common requests take a lean path of their own ({@code balancer.fast_path}, see
 * {@link FastFront}); everything else is served by the Undertow path behind it, with the same answers.
 *
 * <p>With {@code balancer.tls.cert} set it serves HTTPS (HTTP/2 when the client offers it), optionally redirects
 * a plain port to it, and rotates the certificate on {@link #reconfigure}. Large text responses are gzipped
 * for clients that accept it, and every request can go to an access log.
 */
public final class Balancer {
  /** Grace for in-flight requests on {@link #stop()}. */
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);
  /** How long closing connections and threads may take once the grace is over. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
  private static final long TUNNEL_POLL_MILLIS = 20;
  /** Every thread the balancer starts has a name beginning with this. */
  static final String THREAD_NAME = "drover-balancer";
  private static final System.Logger LOG = System.getLogger(Balancer.class.getName());

  private volatile BalancerSettings settings;
  private final Metrics metrics = new Metrics();
  /** Parts whose knobs follow {@link #reconfigure}; each swaps its own immutable snapshot. */
  private final List<Reconfigurable> live = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final int ioThreads;
  private final BackendPool pool;
  private final GracefulShutdownHandler gate;
  private final PerIpConnectionLimit perIp;
  private final HttpHandler root;
  /** {@code balancer.admin_listen}, null when off; a change needs a restart, as for {@code listen}. */
  private final HostPort adminListen;
  private volatile Supplier<List<WorkerGauge>> workerGauges = List::of;
  private volatile HttpHandler adminPages;
  /** Null for plain HTTP. */
  private final ServerTls tls;
  /** Null when there is no access log. */
  private final AccessLogWriter accessLog;
  private FrontListener front;
  /** The fast path on {@code balancer.listen}, with {@link #front} behind it on loopback; null when off. */
  private FastFront fast;
  private final ConcurrencyLimitHandler concurrency;
  private final RateLimitHandler rateLimits;
  /** The front's threads, made by {@link #prepare()} before the front listens; null once it does. */
  private org.xnio.XnioWorker engine;
  private FrontListener admin;
  private volatile ExecutorService events;
  private boolean stopped;

  /** A balancer without an access log whose relative TLS paths start in the working directory. */
  public Balancer(BalancerSettings settings, BackendListener listener) {
    this(settings, listener, Path.of("").toAbsolutePath(), null);
  }

  /**
   * Checks what the balancer would refuse at start, opening nothing: the strategy, trusted proxies, the admin
   * address, the access log format, and the TLS certificate and key (read and matched). Each message starts
   * with the key it is about.
   */
  public static void check(BalancerSettings settings, Path projectDir) {
    try {
      Strategy.named(settings.strategy());
      TrustedProxies.parse(settings.trustedProxies());
      MetricsEndpoint.address(settings.adminListen());
      AccessLogFormat.named(settings.accessLogFormat());
      if (settings.tls().enabled()) {
        ServerTls.load(projectDir, settings.tls());
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  /**
   * @param projectDir where relative paths in the settings ({@code balancer.tls.cert}, {@code balancer.tls.key})
   *     start
   * @param accessLog the access log file, opened on {@link #start}; null for none
   * @throws ConfigException when a setting cannot be used, e.g. a missing certificate or a key that does not
   *     belong to it
   */
  public Balancer(BalancerSettings settings, BackendListener listener, Path projectDir, Path accessLog) {
    this.settings = Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(projectDir, "projectDir");
    this.ioThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
    Strategy strategy;
    TrustedProxies trusted;
    try {
      strategy = Strategy.named(settings.strategy());
      trusted = TrustedProxies.parse(settings.trustedProxies());
      adminListen = MetricsEndpoint.address(settings.adminListen());
      this.tls = settings.tls().enabled() ? new ServerTls(projectDir, settings.tls()) : null;
      this.accessLog = accessLog == null ? null
          : new AccessLogWriter(accessLog, AccessLogFormat.named(settings.accessLogFormat()), THREAD_NAME + "-access-log");
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    if (tls != null) {
      live.add(tls); // first: a certificate that cannot be read refuses the reload before anything changed
    }
    if (this.accessLog != null) {
      live.add(this.accessLog);
    }
    this.pool = new BackendPool(strategy, ioThreads, listener, this::post);
    // a declared body's Expect: 100-continue is answered when the proxy starts reading it (a chunked one's earlier,
    // by ChunkedBodyCheck), and the worker is never asked again
    HttpHandler upstream = new HttpContinueReadHandler(new GzipHandler(new UpstreamHandler(pool, settings.upstreamTimeout())));
    this.concurrency = new ConcurrencyLimitHandler(settings, metrics, upstream);
    ChunkedBodyCheck chunked = new ChunkedBodyCheck(settings, concurrency);
    this.rateLimits = new RateLimitHandler(settings, metrics, chunked);
    ForwardedHeadersHandler forwarded = new ForwardedHeadersHandler(trusted, rateLimits);
    BodyLimitHandler limited = new BodyLimitHandler(settings, forwarded);
    RequestSanityHandler sane = new RequestSanityHandler(settings, limited);
    this.gate = new GracefulShutdownHandler(new InternalPathGuard(sane));
    HeadCheck heads = new HeadCheck(settings, gate);
    HttpHandler pages = new MetricsHandler(metrics, new ErrorPages(new RequestIdHandler(heads)));
    this.root = this.accessLog == null ? pages : new AccessLog(this.accessLog, pages);
    this.perIp = new PerIpConnectionLimit(settings, metrics);
    live.addAll(List.<Reconfigurable>of(heads, forwarded, perIp, sane, limited, rateLimits, chunked, concurrency, this::applyServerOptions));
  }

  /**
   * Fails, naming the key, when an address the balancer will listen on is taken or cannot be bound, so a
   * start reports it once and before any worker boots rather than after all of them have.
   */
  public void checkAddresses() {
    checkBindable("balancer.listen", settings.listen());
    if (adminListen != null) {
      checkBindable("balancer.admin_listen", adminListen);
    }
    if (tls != null && settings.tls().redirectFrom() > 0) {
      checkBindable("balancer.tls.redirect_from", new HostPort(settings.listen().host(), settings.tls().redirectFrom()));
    }
  }

  private static void checkBindable(String key, HostPort at) {
    if (at.port() == 0) {
      return;
    }
    try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(at.host(), at.port()));
    } catch (IOException e) {
      throw new DroverException(key + " = \"" + at + "\": cannot listen there: " + rootMessage(e)
          + (e instanceof java.net.BindException ? " (is another drover or server running on it?)" : ""), e);
    }
  }

  /**
   * Makes the front's threads without listening yet, so that {@link #start()} has only to bind: a supervisor
   * does it while its workers boot, and the balancer listens within milliseconds of the last one's readiness.
   * Optional; {@link #stop()} undoes it.
   */
  public synchronized void prepare() {
    if (engine != null || front != null || stopped) {
      return;
    }
    try {
      engine = FrontListener.engine(ioThreads, THREAD_NAME);
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "balancer threads not made ahead: {0}", rootMessage(e));
    }
  }

  /** Opens the listener; {@code balancer.listen} may use port 0, see {@link #boundAddress()}. */
  public synchronized void start() {
    if (front != null || stopped) {
      throw new IllegalStateException("a balancer starts once");
    }
    if (accessLog != null) {
      try {
        accessLog.start();
      } catch (UncheckedIOException e) {
        throw new DroverException(e.getMessage(), e);
      }
    }
    events = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, THREAD_NAME + "-events");
      t.setDaemon(true);
      return t;
    });
    OptionMap serverOptions = ServerOptions.from(settings);
    try {
      org.xnio.XnioWorker threads = engine != null ? engine : FrontListener.engine(ioThreads, THREAD_NAME);
      engine = null;
      if (tls == null && settings.fastPath()) {
        try {
          fast = FastFront.bind(settings, ioThreads, pool, metrics, perIp, concurrency, rateLimits, accessLog);
        } catch (IOException | RuntimeException e) {
          threads.shutdownNow(); // FrontListener shuts them down when it fails, but it was not reached
          throw e;
        }
        Handoff handoff = new Handoff(fast.address());
        try {
          front = FrontListener.openHandoff(threads, ioThreads, serverOptions, root, handoff);
          fast.start(handoff, front.address());
        } catch (IOException | RuntimeException e) {
          fast.close(CLOSE_WAIT);
          throw e;
        }
        live.add(fast);
      } else {
        front = FrontListener.open(threads, settings.listen(), ioThreads, serverOptions, root,
            tls == null ? null : tls.context(), perIp);
      }
    } catch (IOException | RuntimeException e) {
      fast = null;
      front = null;
      abandonStart();
      throw new DroverException("balancer cannot listen on " + settings.listen() + ": " + rootMessage(e), e);
    }
    if (tls != null) {
      tls.attach(front);
      openRedirect(settings.tls().redirectFrom());
    } else if (settings.tls().redirectFrom() > 0) {
      LOG.log(System.Logger.Level.WARNING, "balancer.tls.redirect_from is ignored: TLS is off (balancer.tls.cert)");
    }
    InetSocketAddress listening = fast != null ? fast.address() : front.address();
    LOG.log(System.Logger.Level.INFO, "balancer listening on {0}://{1}:{2}", tls == null ? "http" : "https",
        listening.getHostString(), String.valueOf(listening.getPort()));
    if (adminListen != null) {
      try {
        admin = FrontListener.open(adminListen, 1, serverOptions, new MetricsEndpoint(metrics, () -> workerGauges.get(), () -> adminPages),
            THREAD_NAME + "-admin");
      } catch (IOException | RuntimeException e) {
        closeFronts();
        abandonStart();
        throw new DroverException("balancer cannot serve metrics on balancer.admin_listen = " + adminListen + ": "
            + rootMessage(e), e);
      }
      InetSocketAddress at = admin.address();
      if (!at.getAddress().isLoopbackAddress()) {
        LOG.log(System.Logger.Level.WARNING, "metrics on {0} are reachable from other hosts and have no"
            + " authentication; keep balancer.admin_listen on loopback unless a firewall guards it", at);
      }
      LOG.log(System.Logger.Level.INFO, "metrics on http://{0}:{1,number,#}/metrics", at.getHostString(), at.getPort());
    }
  }

  private void openRedirect(int port) {
    if (port == 0) {
      return;
    }
    try {
      InetSocketAddress at = front.openRedirect(port, new HttpsRedirect(front.address().getPort()));
      LOG.log(System.Logger.Level.INFO, "balancer redirecting http://{0}:{1} to https", at.getHostString(),
          String.valueOf(at.getPort()));
    } catch (IOException | RuntimeException e) {
      front.close(CLOSE_WAIT);
      front = null;
      abandonStart();
      throw new DroverException("balancer cannot listen on " + settings.listen().host() + ":" + port
          + " (balancer.tls.redirect_from): " + rootMessage(e), e);
    }
  }

  private void abandonStart() {
    events.shutdownNow();
    events = null;
    if (accessLog != null) {
      accessLog.stop();
    }
  }

  /**
   * Closes the access log and opens its path again, so that after logrotate has moved the file away the next
   * lines go to a new one. Does nothing when there is no access log or the balancer is not running.
   */
  public void reopenAccessLog() {
    if (accessLog == null) {
      return;
    }
    try {
      accessLog.reopen();
    } catch (UncheckedIOException e) {
      throw new DroverException(e.getMessage(), e);
    }
  }

  /**
   * Applies changed knobs live, while traffic flows and without dropping a connection. {@code listen}, {@code admin_listen}, turning
   * TLS on or off and {@code tls.redirect_from} need a new listener, so they are the caller's to refuse (see the
   * reload plan). With TLS on, the certificate and key files are read again on every call, changed paths or
   * not, and new connections get the new certificate while open ones keep theirs. Throws a
   * ConfigException, and changes nothing it has not already applied, when a value cannot be used.
   */
  public void reconfigure(BalancerSettings next) {
    Objects.requireNonNull(next, "settings");
    try {
      for (Reconfigurable part : live) {
        part.reconfigure(next);
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    settings = next;
  }

  /** The counters behind {@code /metrics}. */
  public Metrics metrics() {
    return metrics;
  }

  /**
   * Where {@code /metrics} and its worker series come from: called on each scrape, on a thread of the metrics
   * listener, so it should be quick and thread-safe. Until set, no worker series are shown.
   */
  public void workerGauges(Supplier<List<WorkerGauge>> gauges) {
    workerGauges = Objects.requireNonNull(gauges, "gauges");
  }

  /**
   * What the admin listener serves beside {@code /metrics} (the owner's dashboard); it sees every other path
   * and answers for itself, authentication included. Null for 404.
   */
  public void adminPages(HttpHandler pages) {
    this.adminPages = pages;
  }

  /** The metrics listener's address while running with {@code balancer.admin_listen} set, else empty. */
  public synchronized Optional<InetSocketAddress> adminAddress() {
    return admin == null ? Optional.empty() : Optional.of(admin.address());
  }

  /** The address really listened on, e.g. the chosen port when {@code balancer.listen} had port 0. */
  public synchronized InetSocketAddress boundAddress() {
    if (front == null) {
      throw new IllegalStateException("balancer not started");
    }
    return fast != null ? fast.address() : front.address();
  }

  /** Stops with {@link #DEFAULT_GRACE} for requests in flight. */
  public void stop() {
    stop(DEFAULT_GRACE);
  }

  /**
   * Refuses new connections at once, gives requests in flight up to {@code grace} to finish (new requests on
   * open keep-alive connections get 503 meanwhile), then closes every connection and thread the balancer
   * made. Safe to call more than once.
   */
  public synchronized void stop(Duration grace) {
    stopped = true;
    if (engine != null) {
      engine.shutdownNow();
      engine = null;
    }
    if (front == null) {
      return;
    }
    long deadline = System.nanoTime() + grace.toNanos();
    // The gate first: once a client sees the socket refuse, requests on kept-alive connections are refused too.
    gate.shutdown();
    if (fast != null) {
      fast.drain();
    }
    front.stopAccepting();
    try {
      if (!gate.awaitShutdown(grace.toMillis())) {
        LOG.log(System.Logger.Level.WARNING, "requests still in flight after {0}; closing them", grace);
      }
      // tunnels (WebSockets) passed the gate long ago but stay in flight on their backends: the rest of the
      // grace is theirs to finish; nothing signals their end, so it is looked at every few milliseconds
      while (tunnels() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(TUNNEL_POLL_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pool.close();
    closeFronts();
    if (admin != null) {
      admin.close(CLOSE_WAIT); // last, so a scrape can watch the drain
      admin = null;
    }
    if (accessLog != null) {
      accessLog.stop();
    }
    events.shutdown();
    try {
      if (!events.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        events.shutdownNow();
      }
    } catch (InterruptedException e) {
      events.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private void closeFronts() {
    if (fast != null) {
      live.remove(fast);
      fast.close(CLOSE_WAIT);
      fast = null;
    }
    front.close(CLOSE_WAIT);
    front = null;
  }

  /** Requests and tunnels in flight on every backend. */
  private int tunnels() {
    int n = 0;
    for (String id : pool.ids()) {
      n += inFlight(id);
    }
    return n;
  }

  /** Where the fast path hands connections to the Undertow path, while running with it; for tests. */
  synchronized Optional<InetSocketAddress> handoffAddress() {
    return fast == null ? Optional.empty() : Optional.of(front.address());
  }

  /** Starts routing to {@code backend} ({@code http://host:port}); a known id comes back into rotation. */
  public void admit(String id, URI backend) {
    pool.admit(id, backend);
  }

  /** No new requests go to {@code id} once this returns; those in flight finish. */
  public void retire(String id) {
    pool.retire(id);
  }

  /**
   * Forgets {@code id}; its idle connections are closed, requests in flight finish on theirs. The usual order
   * is {@link #retire}, wait for {@link #inFlight} to reach 0, then remove: the counters go with the backend.
   */
  public void remove(String id) {
    pool.remove(id);
  }

  /** Requests sent to {@code id} and not finished yet; 0 for an unknown id. */
  public int inFlight(String id) {
    Backend b = pool.find(id);
    return b == null ? 0 : b.inFlight();
  }

  /** Requests {@code id} has answered; 0 for an unknown id. */
  public long requests(String id) {
    Backend b = pool.find(id);
    return b == null ? 0 : b.requests();
  }

  /** Every known backend id in admission order, in rotation or not. */
  public List<String> backends() {
    return pool.ids();
  }

  /** Runs on network threads: must not wait for the monitor, which {@link #stop} holds while they finish. */
  private void post(Runnable event) {
    ExecutorService e = events;
    if (e == null) {
      return;
    }
    try {
      e.execute(() -> {
        try {
          event.run();
        } catch (RuntimeException ex) {
          LOG.log(System.Logger.Level.ERROR, "backend listener failed", ex);
        }
      });
    } catch (RejectedExecutionException ignored) {
      // stopping: nobody is left to act on it
    }
  }

  /** Parse limits and timeouts are read when a connection opens: new ones get the new values. */
  private synchronized void applyServerOptions(BalancerSettings next) {
    if (front != null) {
      front.serverOptions(ServerOptions.from(next));
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
