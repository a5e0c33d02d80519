package dev.drover.balancer;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;

/**
 * Answers every request on the plain {@code balancer.tls.redirect_from} port with a redirect to the same host,
 * path and query on the HTTPS port: 301 for GET and HEAD, which every client follows, 308 for the other
 * methods, so a POST is repeated as a POST with its body instead of turning into a GET.
 */
final class HttpsRedirect implements HttpHandler {
  private final int httpsPort;

  HttpsRedirect(int httpsPort) {
    this.httpsPort = httpsPort;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    boolean safe = exchange.getRequestMethod().equals(Methods.GET) || exchange.getRequestMethod().equals(Methods.HEAD);
    exchange.setStatusCode(safe ? StatusCodes.MOVED_PERMANENTLY : StatusCodes.PERMANENT_REDIRECT);
    exchange.getResponseHeaders().put(Headers.LOCATION, location(exchange));
    exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, 0);
    exchange.endExchange();
  }

  String location(HttpServerExchange exchange) {
    StringBuilder url = new StringBuilder(64).append("https://").append(host(exchange));
    if (httpsPort != 443) {
      url.append(':').append(httpsPort);
    }
    String target = exchange.getRequestURI();
    if (exchange.isHostIncludedInRequestURI()) {
      // absolute-form request (GET http://host/path): keep only the path
      int scheme = target.indexOf("://");
      int slash = scheme < 0 ? -1 : target.indexOf('/', scheme + 3);
      target = slash < 0 ? "/" : target.substring(slash);
    }
    url.append(target.isEmpty() ? "/" : target);
    String query = exchange.getQueryString();
    if (!query.isEmpty()) {
      url.append('?').append(query);
    }
    return url.toString();
  }

  /**
   * The Host header's name without its port, if it is a plain DNS name or IP literal; else the address the
   * client connected to (never the wildcard the socket may listen on).
   */
  private String host(HttpServerExchange exchange) {
    String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
    if (host != null) {
      host = host.strip();
      if (host.startsWith("[")) {
        int close = host.indexOf(']');
        host = close < 0 ? "" : host.substring(0, close + 1);
      } else {
        int colon = host.indexOf(':');
        host = colon < 0 ? host : host.substring(0, colon);
      }
      if (plain(host)) {
        return host;
      }
    }
    String local = exchange.getDestinationAddress().getAddress().getHostAddress();
    return local.contains(":") ? "[" + local + "]" : local;
  }

  private static boolean plain(String host) {
    if (host.isEmpty() || host.length() > 255) {
      return false;
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '-' || c == '[' || c == ']' || c == ':';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
