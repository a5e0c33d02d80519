package dev.drover.balancer;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.ResponseCodeHandler;
import io.undertow.server.handlers.proxy.ProxyCallback;
import io.undertow.server.handlers.proxy.ProxyClient;
import io.undertow.server.handlers.proxy.ProxyConnection;
import io.undertow.server.handlers.proxy.ProxyHandler;
import io.undertow.util.StatusCodes;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The last handler: sends the request to a backend through Undertow's {@link ProxyHandler}, which streams
 * bodies both ways, copies headers, appends the peer to {@code X-Forwarded-For}, sets the other
 * {@code X-Forwarded-*} headers when they are absent, and keeps the client's {@code Host}.
 */
final class UpstreamHandler implements HttpHandler {
  /** Tries after the first; a retry happens only when nothing was sent or the request is idempotent. */
  static final int MAX_RETRIES = 3;

  private final BackendPool pool;
  private final long timeoutMillis;
  private final ProxyHandler proxy;

  UpstreamHandler(BackendPool pool, Duration upstreamTimeout) {
    this.pool = pool;
    this.timeoutMillis = upstreamTimeout.toMillis();
    this.proxy = ProxyHandler.builder()
        .setProxyClient(new Routing())
        .setMaxRequestTime(-1) // our timer instead: theirs also cuts long responses that are flowing
        .setRewriteHostHeader(false)
        .setReuseXForwarded(true) // untrusted X-Forwarded-* are removed further out
        .setMaxConnectionRetries(MAX_RETRIES)
        .setNext(new ResponseCodeHandler(StatusCodes.SERVICE_UNAVAILABLE))
        .build();
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    Attempt attempt = new Attempt(exchange, pool);
    exchange.putAttachment(Attempt.KEY, attempt);
    exchange.addExchangeCompleteListener(attempt);
    exchange.addDefaultResponseListener(attempt);
    exchange.addResponseWrapper(attempt);
    if (timeoutMillis > 0) {
      attempt.startTimer(timeoutMillis);
    }
    proxy.handleRequest(exchange);
  }

  /** Hands each connection request of the proxy to the exchange's {@link Attempt}. */
  private static final class Routing implements ProxyClient {
    private static final ProxyTarget TARGET = new ProxyTarget() {
    };

    @Override
    public ProxyTarget findTarget(HttpServerExchange exchange) {
      return TARGET;
    }

    @Override
    public void getConnection(ProxyTarget target, HttpServerExchange exchange, ProxyCallback<ProxyConnection> callback,
        long timeout, TimeUnit timeUnit) {
      Attempt attempt = exchange.getAttachment(Attempt.KEY);
      if (attempt == null) {
        callback.couldNotResolveBackend(exchange);
      } else {
        attempt.route(callback);
      }
    }
  }
}
