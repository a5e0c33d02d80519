package dev.drover.worker;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;

/**
 * Answers {@value #PATH} with {@code 200 ok} before the app sees the request: the supervisor polls it for
 * readiness and liveness, and a slow or broken app must not make a live worker look dead, nor a dead one
 * look live. Every other request goes to {@code next}.
 */
final class HealthHandler implements HttpHandler {
  static final String PATH = "/_drover/health";
  /**
   * Who answers: a worker's port is picked free by the supervisor before the worker binds it, so another
   * program can take it in between and answer in its place; the supervisor checks this against its child's pid.
   */
  static final HttpString PID_HEADER = new HttpString("X-Drover-Pid");
  private static final String PID = Long.toString(ProcessHandle.current().pid());

  private final HttpHandler next;

  HealthHandler(HttpHandler next) {
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (!PATH.equals(exchange.getRequestPath())) {
      next.handleRequest(exchange);
      return;
    }
    if (!Methods.GET.equals(exchange.getRequestMethod()) && !Methods.HEAD.equals(exchange.getRequestMethod())) {
      exchange.setStatusCode(StatusCodes.METHOD_NOT_ALLOWED);
      exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
      exchange.endExchange();
      return;
    }
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
    exchange.getResponseHeaders().put(PID_HEADER, PID);
    exchange.getResponseSender().send("ok");
  }
}
