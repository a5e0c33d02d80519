package dev.drover.balancer;

import dev.drover.config.BalancerSettings;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.util.List;

/**
 * Refuses a request head that is too large (431, {@code balancer.max_header_size}) or malformed (400) before
 * anything reaches a backend, and closes the connection after the answer: what follows such a head cannot be
 * trusted to be framed the way the client meant.
 *
 * <p>Undertow's parser already answers a bare 400 itself, before any handler, for Content-Length together with
 * Transfer-Encoding, a repeated Content-Length or Transfer-Encoding, a Content-Length that is not plain digits, more
 * than one Host, a method or header name that is not a token, and a head above its own hard limit (see
 * {@link ServerOptions}). This handler refuses what it lets through:
 * <ul>
 *   <li>a Transfer-Encoding other than {@code chunked}: Undertow decodes {@code gzip}, {@code xchunked} or
 *       {@code gzip, chunked} as chunked, a classic way to frame a body differently from the next parser;</li>
 *   <li>Transfer-Encoding in an HTTP/1.0 request, which has no chunked coding (RFC 9112 section 6.1);</li>
 *   <li>a Content-Length too long for a number (Undertow's own parse overflows);</li>
 *   <li>control characters in a header value: NUL, DEL and the like.</li>
 * </ul>
 * Broken chunked framing inside the body is {@link ChunkedBodyCheck}'s.
 *
 * <p>What Undertow's parser reads leniently and then forgets (a bare CR ending a line, whitespace in or after a
 * name, an empty name, obsolete line folding) is refused from the raw bytes by {@link HeadScanner} and
 * {@link HeadCheck} on plain connections, before this handler runs.
 */
final class RequestSanityHandler implements HttpHandler, Reconfigurable {
  private final HttpHandler next;
  private volatile long maxHeadBytes;

  RequestSanityHandler(BalancerSettings settings, HttpHandler next) {
    this.next = next;
    reconfigure(settings);
  }

  @Override
  public void reconfigure(BalancerSettings settings) {
    maxHeadBytes = settings.maxHeaderSize().bytes();
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    int status = check(exchange, maxHeadBytes);
    if (status != 0) {
      exchange.setPersistent(false);
      exchange.setStatusCode(status);
      exchange.endExchange();
      return;
    }
    next.handleRequest(exchange);
  }

  /** 0 when the request may go on, else the status to refuse it with (see {@link Verdicts#head}). */
  static int check(HttpServerExchange exchange, long maxHeadBytes) {
    boolean clean = true;
    // the head as received: request line, each field line, the empty line (Undertow keeps no byte count)
    long size = exchange.getRequestMethod().length() + 1 + exchange.getRequestURI().length() + 1
        + exchange.getProtocol().length() + 2 + 2;
    String query = exchange.getQueryString();
    if (!query.isEmpty()) {
      size += 1 + query.length();
    }
    for (HeaderValues values : exchange.getRequestHeaders()) {
      HttpString name = values.getHeaderName();
      for (String value : values) {
        size += name.length() + 2 + value.length() + 2;
        clean &= Verdicts.isFieldValue(value);
      }
    }
    HeaderValues te = exchange.getRequestHeaders().get(Headers.TRANSFER_ENCODING);
    return Verdicts.head(size, maxHeadBytes, clean, exchange.isHttp11(), te == null ? List.of() : te,
        exchange.getRequestHeaders().getFirst(Headers.CONTENT_LENGTH));
  }
}
