package dev.drover.balancer;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;

/**
 * The outermost handler when the access log is on: notes when a request arrived and, once the exchange is
 * complete (the status final, error pages included), hands an {@link Entry} of plain references to the
 * {@link AccessLogWriter}. Nothing is formatted or written on the IO thread.
 */
final class AccessLog implements HttpHandler {
  private final AccessLogWriter writer;
  private final HttpHandler next;

  AccessLog(AccessLogWriter writer, HttpHandler next) {
    this.writer = writer;
    this.next = next;
  }

  /** One request as it will be logged; every field is captured as is and formatted later on the writer's thread. */
  record Entry(long epochMillis, InetSocketAddress client, String method, String uri, String query, String protocol,
      int status, long bytes, long durationNanos, String requestId, String userAgent, String referer, String worker) {
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    long startMillis = System.currentTimeMillis();
    long startNanos = System.nanoTime();
    exchange.addExchangeCompleteListener((ex, nextListener) -> {
      try {
        writer.add(entry(ex, startMillis, System.nanoTime() - startNanos));
      } finally {
        nextListener.proceed();
      }
    });
    next.handleRequest(exchange);
  }

  private static Entry entry(HttpServerExchange ex, long startMillis, long nanos) {
    Attempt attempt = ex.getAttachment(Attempt.KEY);
    return new Entry(startMillis, ex.getSourceAddress(), ex.getRequestMethod().toString(), ex.getRequestURI(),
        ex.getQueryString(), ex.getProtocol().toString(), ex.getStatusCode(), ex.getResponseBytesSent(), nanos,
        ex.getResponseHeaders().getFirst(RequestIdHandler.HEADER), ex.getRequestHeaders().getFirst(Headers.USER_AGENT),
        ex.getRequestHeaders().getFirst(Headers.REFERER), attempt == null ? null : attempt.backendId());
  }
}
