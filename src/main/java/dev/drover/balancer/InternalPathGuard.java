package dev.drover.balancer;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.CanonicalPathUtils;
import io.undertow.util.StatusCodes;

/**
 * Answers 404 to clients asking for {@code /_drover/}: workers serve their health checks there, and only the
 * supervisor may reach them. The decoded path is canonicalised first, so {@code /x/../_drover/},
 * {@code //_drover/} or {@code /%5Fdrover/} are caught too.
 */
final class InternalPathGuard implements HttpHandler {
  static final String PREFIX = "/_drover";
  private final HttpHandler next;

  InternalPathGuard(HttpHandler next) {
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (internal(exchange.getRequestPath())) {
      exchange.setStatusCode(StatusCodes.NOT_FOUND);
      exchange.endExchange();
      return;
    }
    next.handleRequest(exchange);
  }

  static boolean internal(String path) {
    String p = CanonicalPathUtils.canonicalize(path.replace('\\', '/'));
    int start = 0;
    while (start + 1 < p.length() && p.charAt(start) == '/' && p.charAt(start + 1) == '/') {
      start++;
    }
    if (!p.regionMatches(true, start, PREFIX, 0, PREFIX.length())) {
      return false;
    }
    int end = start + PREFIX.length();
    return end == p.length() || p.charAt(end) == '/' || p.charAt(end) == ';';
  }
}
