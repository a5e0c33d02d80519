package dev.drover.balancer;

import io.undertow.server.Connectors;
import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * The outermost handler: counts every response the balancer sends, a worker's or one the balancer made itself
 * (404, 413, 429, 503, 502, 504, the 503 of a stopping balancer), with its latency. The status is read when the
 * exchange completes, so whichever handler further in decided it, the final one is counted.
 *
 * <p>Cheap on purpose: two {@code System.nanoTime()} calls and a few adders per request. The start time is kept
 * on the exchange itself, so one completion listener serves every request and nothing is allocated per request.
 */
final class MetricsHandler implements HttpHandler {
  private final Metrics metrics;
  private final HttpHandler next;
  private final ExchangeCompletionListener completed = this::completed;

  MetricsHandler(Metrics metrics, HttpHandler next) {
    this.metrics = metrics;
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (exchange.getRequestStartTime() < 0) {
      // unset unless the listener records start times itself (an access log's response time), then shared
      Connectors.setRequestStartTime(exchange);
    }
    metrics.requestStarted();
    exchange.addExchangeCompleteListener(completed);
    next.handleRequest(exchange);
  }

  private void completed(HttpServerExchange exchange, ExchangeCompletionListener.NextListener nextListener) {
    try {
      metrics.requestEnded();
      metrics.response(exchange.getStatusCode(), System.nanoTime() - exchange.getRequestStartTime());
    } finally {
      nextListener.proceed();
    }
  }
}
