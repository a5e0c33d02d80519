package dev.drover.balancer;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.net.InetSocketAddress;

/**
 * Removes the {@code X-Forwarded-Proto/Host/Port/Server} and {@code Forwarded} headers a client sent unless the
 * client is a trusted proxy, so a backend cannot be told it was reached over https when it was not. The
 * proxy then sets them from this connection. {@code X-Forwarded-For} is kept and the peer appended to it:
 * its last entry is always the address this balancer saw. {@code X-Forwarded-Host} is set to the client's
 * {@code Host}, port included, so that the proxy does not set a portless one; it then leaves with the request only
 * when it names another host than {@code Host} (a trusted proxy's), and no {@code X-Forwarded-Port} is needed
 * (see {@link TrimmedConnection}).
 */
final class ForwardedHeadersHandler implements HttpHandler, Reconfigurable {
  private static final HttpString[] CLAIMS = {
      new HttpString("X-Forwarded-Proto"), new HttpString("X-Forwarded-Host"), new HttpString("X-Forwarded-Port"),
      new HttpString("X-Forwarded-Server"), new HttpString("X-Forwarded-Prefix"), new HttpString("Forwarded")};
  private volatile TrustedProxies trusted;
  private final HttpHandler next;

  ForwardedHeadersHandler(TrustedProxies trusted, HttpHandler next) {
    this.trusted = trusted;
    this.next = next;
  }

  /** A changed {@code balancer.trusted_proxies} applies to the next request; a bad CIDR changes nothing. */
  @Override
  public void reconfigure(dev.drover.config.BalancerSettings settings) {
    trusted = TrustedProxies.parse(settings.trustedProxies());
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    HeaderMap headers = exchange.getRequestHeaders();
    if (!trustedPeer(exchange)) {
      for (HttpString claim : CLAIMS) {
        headers.remove(claim);
      }
    }
    if (!headers.contains(Headers.X_FORWARDED_HOST)) {
      // the Host the client sent, port and all, as nginx's $http_host; the proxy would drop the port
      String host = headers.getFirst(Headers.HOST);
      if (host != null && !host.isEmpty()) {
        headers.put(Headers.X_FORWARDED_HOST, host);
      }
    }
    next.handleRequest(exchange);
  }

  private boolean trustedPeer(HttpServerExchange exchange) {
    TrustedProxies trusted = this.trusted;
    if (trusted.isEmpty()) {
      return false;
    }
    InetSocketAddress peer = exchange.getSourceAddress();
    return peer != null && peer.getAddress() != null && trusted.trusts(peer.getAddress());
  }
}
