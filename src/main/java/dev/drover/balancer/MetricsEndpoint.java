package dev.drover.balancer;

import dev.drover.config.HostPort;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /metrics} on {@code balancer.admin_listen}: the balancer's {@link Metrics} and the owner's
 * {@link WorkerGauge}s in Prometheus text format, every name prefixed {@code drover_}. It has no authentication,
 * so the address should stay on loopback (or a private network a scraper shares).
 */
final class MetricsEndpoint implements HttpHandler {
  static final String PATH = "/metrics";
  private static final System.Logger LOG = System.getLogger(MetricsEndpoint.class.getName());

  private final Metrics metrics;
  private final Supplier<List<WorkerGauge>> workers;
  /** Everything but /metrics: the owner's pages (the dashboard), or null for 404. */
  private final Supplier<HttpHandler> others;

  MetricsEndpoint(Metrics metrics, Supplier<List<WorkerGauge>> workers) {
    this(metrics, workers, () -> null);
  }

  MetricsEndpoint(Metrics metrics, Supplier<List<WorkerGauge>> workers, Supplier<HttpHandler> others) {
    this.metrics = metrics;
    this.workers = workers;
    this.others = others;
  }

  /**
   * Parses {@code balancer.admin_listen}: null when empty (no endpoint), else host:port. Port 0 takes a free
   * port ({@link Balancer#adminAddress()} tells which). The message of the exception names the key.
   */
  static HostPort address(String adminListen) {
    try {
      return HostPort.parseOptional(adminListen);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("balancer.admin_listen must be " + e.getMessage() + ", got \"" + adminListen + "\"");
    }
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (!exchange.getRequestPath().equals(PATH)) {
      HttpHandler next = others.get();
      if (next != null) {
        next.handleRequest(exchange);
        return;
      }
      exchange.setStatusCode(StatusCodes.NOT_FOUND);
      exchange.endExchange();
      return;
    }
    if (!exchange.getRequestMethod().equals(Methods.GET) && !exchange.getRequestMethod().equals(Methods.HEAD)) {
      exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
      exchange.setStatusCode(StatusCodes.METHOD_NOT_ALLOWED);
      exchange.endExchange();
      return;
    }
    if (exchange.isInIoThread()) {
      exchange.dispatch(this); // the worker gauges come from the owner, which may take its time
      return;
    }
    String body;
    try {
      List<WorkerGauge> gauges = workers.get();
      body = render(metrics, gauges == null ? List.of() : gauges);
    } catch (RuntimeException e) {
      // a scrape without the worker series would read as "every worker gone"; a failed scrape is honest
      LOG.log(System.Logger.Level.WARNING, "metrics: worker gauges failed", e);
      exchange.setStatusCode(StatusCodes.INTERNAL_SERVER_ERROR);
      exchange.endExchange();
      return;
    }
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, PrometheusText.CONTENT_TYPE);
    exchange.getResponseSender().send(body, StandardCharsets.UTF_8);
  }

  /** The exposition of one scrape. */
  static String render(Metrics metrics, List<WorkerGauge> workers) {
    PrometheusText t = new PrometheusText();
    String responses = "drover_http_responses_total";
    t.family(responses, "counter", "Responses sent to clients by status code, from workers and from the balancer itself.");
    for (Map.Entry<Integer, Long> e : metrics.responses().entrySet()) {
      t.sample(responses, "code", Integer.toString(e.getKey()), e.getValue());
    }

    String duration = "drover_http_request_duration_seconds";
    t.family(duration, "histogram", "Time from a request reaching the balancer to the end of its response.");
    long[] counts = metrics.latencyCounts();
    long cumulative = 0;
    for (int i = 0; i < Metrics.LATENCY_BUCKETS.length; i++) {
      cumulative += counts[i];
      t.sample(duration + "_bucket", "le", PrometheusText.number(Metrics.LATENCY_BUCKETS[i]), cumulative);
    }
    cumulative += counts[counts.length - 1];
    t.sample(duration + "_bucket", "le", "+Inf", cumulative);
    t.sample(duration + "_sum", metrics.latencySumSeconds());
    t.sample(duration + "_count", cumulative); // from the same snapshot as the buckets, so they always agree

    t.family("drover_rate_limited_total", "counter", "Requests refused with 429 by a rate limit.")
        .sample("drover_rate_limited_total", metrics.rateLimitedCount());
    t.family("drover_queue_rejected_total", "counter", "Requests refused with 503 because max_concurrent and the queue were full.")
        .sample("drover_queue_rejected_total", metrics.queueRejectedCount());
    t.family("drover_connections_rejected_total", "counter", "Connections refused by max_connections_per_ip.")
        .sample("drover_connections_rejected_total", metrics.connectionsRejectedCount());
    t.family("drover_connections_handed_over_total", "counter",
        "Connections the fast path gave to the full HTTP path for a request it does not take itself.")
        .sample("drover_connections_handed_over_total", metrics.handedOverCount());
    t.family("drover_requests_in_flight", "gauge", "Requests received and not answered yet.")
        .sample("drover_requests_in_flight", metrics.inFlightCount());

    t.family("drover_admin_refused_total", "counter", "Requests to the admin listener refused: 401 without valid"
        + " credentials, 403 with a wrong token.");
    t.sample("drover_admin_refused_total", "code", "401", metrics.adminRefusedCount(401));
    t.sample("drover_admin_refused_total", "code", "403", metrics.adminRefusedCount(403));

    t.family("drover_worker_up", "gauge", "1 when the worker is running and in rotation, else 0.");
    for (WorkerGauge w : workers) {
      t.sample("drover_worker_up", "worker", Integer.toString(w.id()), w.up() ? 1 : 0);
    }
    t.family("drover_worker_restarts_total", "counter", "Times the worker was restarted.");
    for (WorkerGauge w : workers) {
      t.sample("drover_worker_restarts_total", "worker", Integer.toString(w.id()), w.restarts());
    }
    t.family("drover_worker_requests_total", "counter", "Requests the worker has answered.");
    for (WorkerGauge w : workers) {
      t.sample("drover_worker_requests_total", "worker", Integer.toString(w.id()), w.requests());
    }
    return t.text();
  }
}
