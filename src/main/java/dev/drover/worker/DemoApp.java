package dev.drover.worker;

import dev.drover.config.Toml;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import io.undertow.util.StatusCodes;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The built-in {@code demo} app: a page and a JSON endpoint that say which worker answered, and a slow
 * endpoint for trying timeouts and load. Everything runs on the IO thread and never blocks it.
 *
 * <p>With a {@code secret_key}, the page also counts the visitor's own visits in a signed session, beside the
 * worker's counter: the one stays right whichever worker answers, the other does not.
 */
final class DemoApp implements HttpHandler {
  static final int MAX_SLOW_MILLIS = 10_000;

  private final int workerId;
  private final long pid;
  private final String env;
  // Per process on purpose: the page shows why state must not live in a worker.
  private final AtomicLong visits = new AtomicLong();
  private final String infoHead;
  private final String infoTail;
  private final boolean sessions;

  /** Without sessions: no secret_key is set. */
  DemoApp(int workerId, long pid, String env) {
    this(workerId, pid, env, false);
  }

  /** With {@code sessions}, the handler must run inside {@link Sessions#wrap}. */
  DemoApp(int workerId, long pid, String env, boolean sessions) {
    this.sessions = sessions;
    this.workerId = workerId;
    this.pid = pid;
    this.env = env;
    // /api/info is the benchmark path: its JSON is two constant halves around the counter.
    this.infoHead = "{\"worker\":" + workerId + ",\"pid\":" + pid + ",\"visits\":";
    // A TOML basic string escapes exactly as a JSON string does for every character it escapes.
    this.infoTail = ",\"env\":" + Toml.quote(env) + "}";
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    String path = exchange.getRequestPath();
    if (!path.equals("/") && !path.equals("/api/info") && !path.equals("/api/slow") && !path.equals("/api/session")) {
      send(exchange, StatusCodes.NOT_FOUND, "text/plain; charset=utf-8", "not found");
      return;
    }
    if (!Methods.GET.equals(exchange.getRequestMethod()) && !Methods.HEAD.equals(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
      send(exchange, StatusCodes.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8", "method not allowed");
      return;
    }
    switch (path) {
      case "/" -> send(exchange, StatusCodes.OK, "text/html; charset=utf-8",
          page(visits.incrementAndGet(), sessionVisits(exchange)));
      case "/api/session" -> send(exchange, StatusCodes.OK, "application/json", "{\"worker\":" + workerId
          + ",\"worker_visits\":" + visits.incrementAndGet() + ",\"session_visits\":" + sessionVisits(exchange) + "}");
      case "/api/info" -> send(exchange, StatusCodes.OK, "application/json",
          infoHead + visits.incrementAndGet() + infoTail);
      default -> slow(exchange);
    }
  }

  /**
   * Answers after the asked delay without holding a thread: the exchange is parked (dispatched to no
   * executor) and the IO thread's timer completes it, so thousands of slow requests cost no threads.
   */
  private void slow(HttpServerExchange exchange) {
    long ms = slowMillis(exchange.getQueryParameters().get("ms"));
    if (ms < 0) {
      send(exchange, StatusCodes.BAD_REQUEST, "text/plain; charset=utf-8",
          "ms must be a whole number from 0 to " + MAX_SLOW_MILLIS);
      return;
    }
    String body = "{\"slept_ms\":" + ms + ",\"worker\":" + workerId + "}";
    exchange.dispatch(SameThreadExecutor.INSTANCE, () -> exchange.getIoThread().executeAfter(
        () -> send(exchange, StatusCodes.OK, "application/json", body), ms, TimeUnit.MILLISECONDS));
  }

  /** The asked delay, or -1 when missing, not a number, or out of range. */
  static long slowMillis(Deque<String> values) {
    if (values == null || values.size() != 1) {
      return -1;
    }
    try {
      long ms = Long.parseLong(values.getFirst());
      return ms >= 0 && ms <= MAX_SLOW_MILLIS ? ms : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The visitor's visits counting this one, or -1 when sessions are off. */
  private long sessionVisits(HttpServerExchange exchange) {
    if (!sessions) {
      return -1;
    }
    Session s = Sessions.of(exchange);
    long n = s.getLong("visits", 0) + 1;
    s.put("visits", n);
    return n;
  }

  private String page(long n, long yours) {
    String session = yours < 0
        ? "<p>Set <code>secret_key</code> (32 bytes or more) in .secrets.toml to count your own visits in a"
            + " signed session.</p>"
        : "<p>You have made <strong>" + yours + "</strong> visits.</p><p>This counter travels in a cookie signed"
            + " with <code>secret_key</code>: every worker reads and updates the same value.</p>";
    return """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>drover demo · worker %1$d</title>
        <style>
        :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
        body { max-width: 46rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
        .pair { display: flex; gap: 1rem; flex-wrap: wrap; }
        .pair section { flex: 1 1 16rem; border: 1px solid #8886; border-radius: .5rem; padding: 0 1rem; }
        </style></head>
        <body>
        <h1>Hello from worker %1$d</h1>
        <p>Process %2$d, environment <code>%3$s</code>.</p>
        <div class="pair">
        <section id="worker"><h2>This worker</h2>
        <p>This worker has counted <strong>%4$d</strong> visits.</p>
        <p>The counter lives in this worker's memory only. Reload the page: the balancer may send you to
        another worker, which keeps a count of its own, and a restart or a reload sets it back to zero.
        That is why state belongs in a database or a cache that every worker shares, never in a worker.</p>
        </section>
        <section id="session"><h2>Your session</h2>
        %5$s
        </section>
        </div>
        <p>Try <a href="/api/info">/api/info</a>, <a href="/api/session">/api/session</a> and
        <a href="/api/slow?ms=500">/api/slow?ms=500</a>.</p>
        </body>
        </html>
        """.formatted(workerId, pid, html(env), n, session);
  }

  private static void send(HttpServerExchange exchange, int status, String contentType, String body) {
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
    exchange.getResponseSender().send(body);
  }

  private static String html(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
