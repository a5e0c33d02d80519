package dev.drover.balancer;

import dev.drover.config.BalancerSettings;
import io.undertow.conduits.IdleTimeoutConduit;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpServerConnection;
import io.undertow.util.StatusCodes;

/**
 * Answers what {@link HeadScanner} found in the raw bytes of a request head: 400 for a head Undertow's parser read
 * leniently, 431 for one cut at the size limit, both closing the connection. An {@code Upgrade} request that is not
 * switched gets its answer and then the connection closes, since the scanner stopped reading it there; one that is
 * switched (a WebSocket) is closed after {@code balancer.idle_timeout} without traffic either way.
 *
 * <p>It sits outside every handler that may answer without calling the next, so that it counts every exchange of a
 * connection: the count is how it matches an exchange to its head. Connections without a scanner (TLS, HTTP/2)
 * pass as they are.
 */
final class HeadCheck implements HttpHandler, Reconfigurable {
  private final HttpHandler next;
  private volatile long idleMillis;

  HeadCheck(BalancerSettings settings, HttpHandler next) {
    this.next = next;
    reconfigure(settings);
  }

  /** A changed {@code balancer.idle_timeout} applies to tunnels opened from then on. */
  @Override
  public void reconfigure(BalancerSettings settings) {
    idleMillis = settings.idleTimeout().toMillis();
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    // nothing wraps the scanner on these connections: Undertow's idle/read-timeout and statistics conduits are off
    if (exchange.getConnection() instanceof HttpServerConnection c && c.getOriginalSourceConduit() instanceof HeadScanner s) {
      switch (s.next()) {
        case MALFORMED -> {
          refuse(exchange, StatusCodes.BAD_REQUEST);
          return;
        }
        case TOO_LARGE -> {
          refuse(exchange, StatusCodes.REQUEST_HEADER_FIELDS_TOO_LARGE);
          return;
        }
        case UPGRADE -> exchange.addResponseCommitListener(ex -> {
          if (ex.getStatusCode() != StatusCodes.SWITCHING_PROTOCOLS) {
            ex.setPersistent(false);
          } else if (c.getOriginalSinkConduit() instanceof IdleTimeoutConduit idle) {
            // no request timers run on a tunnel: balancer.idle_timeout closes it after that long without a byte
            idle.setIdleTimeout(idleMillis);
          }
        });
        default -> {
          // a head as it should be
        }
      }
    }
    next.handleRequest(exchange);
  }

  private static void refuse(HttpServerExchange exchange, int status) {
    exchange.setPersistent(false);
    exchange.setStatusCode(status);
    exchange.endExchange();
  }
}
