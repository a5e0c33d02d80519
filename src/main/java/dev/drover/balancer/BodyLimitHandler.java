package dev.drover.balancer;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;

/**
 * {@code balancer.max_body}: a declared body above the limit gets 413 before anything reaches a backend, and
 * the connection is closed rather than read to its end. A chunked body is cut off when it passes the limit.
 */
final class BodyLimitHandler implements HttpHandler {
  private final long maxBytes;
  private final HttpHandler next;

  BodyLimitHandler(long maxBytes, HttpHandler next) {
    this.maxBytes = maxBytes;
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (maxBytes > 0) {
      if (exchange.getRequestContentLength() > maxBytes) {
        exchange.setPersistent(false);
        exchange.getResponseHeaders().put(Headers.CONNECTION, Headers.CLOSE.toString());
        exchange.setStatusCode(StatusCodes.REQUEST_ENTITY_TOO_LARGE);
        exchange.endExchange();
        return;
      }
      exchange.setMaxEntitySize(maxBytes);
    }
    next.handleRequest(exchange);
  }
}
