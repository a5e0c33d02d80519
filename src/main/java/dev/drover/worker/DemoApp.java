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

  DemoApp(int workerId, long pid, String env) {
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
    if (!path.equals("/") && !path.equals("/api/info") && !path.equals("/api/slow")) {
      send(exchange, StatusCodes.NOT_FOUND, "text/plain; charset=utf-8", "not found");
      return;
    }
    if (!Methods.GET.equals(exchange.getRequestMethod()) && !Methods.HEAD.equals(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
      send(exchange, StatusCodes.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8", "method not allowed");
      return;
    }
    switch (path) {
      case "/" -> send(exchange, StatusCodes.OK, "text/html; charset=utf-8", page(visits.incrementAndGet()));
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

  private String page(long n) {
    return """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>drover demo · worker %1$d</title></head>
        <body>
        <h1>Hello from worker %1$d</h1>
        <p>Process %2$d, environment <code>%3$s</code>.</p>
        <p>This worker has counted <strong>%4$d</strong> visits.</p>
        <p>The counter lives in this worker's memory only. Reload the page: the balancer may send you to
        another worker, which keeps a count of its own, and a restart or a reload sets it back to zero.
        That is why state belongs in a database or a cache that every worker shares, never in a worker.</p>
        <p>Try <a href="/api/info">/api/info</a> and <a href="/api/slow?ms=500">/api/slow?ms=500</a>.</p>
        </body>
        </html>
        """.formatted(workerId, pid, html(env), n);
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
