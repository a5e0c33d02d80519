package dev.drover.balancer;

import dev.drover.config.BalancerSettings;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;

/**
 * {@code balancer.max_body}: a declared body above the limit gets 413 before anything reaches a backend, and
 * the connection is closed rather than read to its end. A chunked body is measured by {@link ChunkedBodyCheck}
 * (413 with an answer while it reads ahead) and by Undertow's decoder past that, which cuts the connection.
 */
final class BodyLimitHandler implements HttpHandler, Reconfigurable {
  private final HttpHandler next;
  private volatile long maxBytes;

  BodyLimitHandler(BalancerSettings settings, HttpHandler next) {
    this.next = next;
    reconfigure(settings);
  }

  @Override
  public void reconfigure(BalancerSettings settings) {
    maxBytes = settings.maxBody().bytes();
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    long max = maxBytes;
    if (max > 0) {
      if (exchange.getRequestContentLength() > max) {
        exchange.setPersistent(false);
        exchange.getResponseHeaders().put(Headers.CONNECTION, Headers.CLOSE.toString());
        exchange.setStatusCode(StatusCodes.REQUEST_ENTITY_TOO_LARGE);
        exchange.endExchange();
        return;
      }
      exchange.setMaxEntitySize(max);
    }
    next.handleRequest(exchange);
  }
}
