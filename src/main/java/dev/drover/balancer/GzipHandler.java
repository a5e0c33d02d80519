package dev.drover.balancer;

import io.undertow.conduits.DeflatingStreamSinkConduit;
import io.undertow.server.ConduitWrapper;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.encoding.GzipEncodingProvider;
import io.undertow.util.ConduitFactory;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.util.Locale;
import java.util.Set;
import org.xnio.conduits.StreamSinkConduit;

/**
 * Compresses a worker's response with gzip when the client accepts it, the worker did not encode it already,
 * its type compresses well and it is at least {@link #MIN_SIZE} bytes (or of unknown length). The decision is
 * taken when the response starts, from its headers, so small answers such as a 60-byte JSON pass through with
 * no more cost than one header lookup; a client that does not ask for gzip pays nothing at all.
 *
 * <p>Undertow's {@code EncodingHandler} is not used: it answers 406 to {@code Accept-Encoding: identity;q=0}, which
 * a proxy must not invent, and sets no {@code Vary}. Its gzip conduit is.
 */
final class GzipHandler implements HttpHandler {
  /** Below this a gzip header and the deflate work cost more than the bytes saved. */
  static final long MIN_SIZE = 1024;
  /** Level 4 gives most of level 6's ratio on text for roughly half the CPU; the balancer shares its cores. */
  static final int LEVEL = 4;
  /** Deflaters hold native memory and are slow to make, so they are reused. */
  private static final int POOLED_DEFLATERS = 64;
  private static final Set<String> TYPES = Set.of("application/json", "application/javascript",
      "application/x-javascript", "application/ecmascript", "application/xml", "application/wasm",
      "application/manifest+json", "image/svg+xml", "image/x-icon", "image/vnd.microsoft.icon", "font/ttf",
      "font/otf", "application/vnd.ms-fontobject");

  private final ConduitWrapper<StreamSinkConduit> gzip =
      new GzipEncodingProvider(DeflatingStreamSinkConduit.simpleDeflaterPool(POOLED_DEFLATERS, LEVEL))
          .getResponseWrapper();
  private final ConduitWrapper<StreamSinkConduit> decide = this::wrap;
  private final HttpHandler next;

  GzipHandler(HttpHandler next) {
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (acceptsGzip(exchange.getRequestHeaders().get(Headers.ACCEPT_ENCODING))) {
      exchange.addResponseWrapper(decide);
    }
    next.handleRequest(exchange);
  }

  private StreamSinkConduit wrap(ConduitFactory<StreamSinkConduit> factory, HttpServerExchange exchange) {
    if (!compressible(exchange)) {
      return factory.create();
    }
    HeaderMap headers = exchange.getResponseHeaders();
    headers.put(Headers.CONTENT_ENCODING, Headers.GZIP.toString());
    headers.add(Headers.VARY, Headers.ACCEPT_ENCODING_STRING);
    String etag = headers.getFirst(Headers.ETAG);
    if (etag != null && !etag.startsWith("W/")) {
      headers.put(Headers.ETAG, "W/" + etag); // the compressed bytes differ, so the tag can only be weak
    }
    if (exchange.getRequestMethod().equals(Methods.HEAD)) {
      headers.remove(Headers.CONTENT_LENGTH); // the length a GET would have is unknown until compressed
      return factory.create();
    }
    return gzip.wrap(factory, exchange);
  }

  static boolean compressible(HttpServerExchange exchange) {
    HeaderMap headers = exchange.getResponseHeaders();
    return compressible(exchange.getStatusCode(), exchange.getResponseContentLength(),
        headers.contains(Headers.CONTENT_ENCODING) || headers.contains(Headers.CONTENT_RANGE),
        headers.getFirst(Headers.CACHE_CONTROL), headers.getFirst(Headers.CONTENT_TYPE));
  }

  /**
   * The decision on a response's status and fields, apart from any exchange (the fast path takes it too).
   *
   * @param length the Content-Length, -1 when unknown
   * @param encodedOrRanged it has a Content-Encoding or a Content-Range
   */
  static boolean compressible(int status, long length, boolean encodedOrRanged, String cacheControl,
      String contentType) {
    if (status < 200 || status == 204 || status == 206 || status == 304) {
      return false;
    }
    if (length >= 0 && length < MIN_SIZE || encodedOrRanged) {
      return false;
    }
    if (cacheControl != null && cacheControl.toLowerCase(Locale.ROOT).contains("no-transform")) {
      return false;
    }
    return compressibleType(contentType);
  }

  static boolean compressibleType(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    if (type.startsWith("text/")) {
      return !type.equals("text/event-stream"); // buffering in the compressor would hold events back
    }
    return TYPES.contains(type) || type.endsWith("+json") || type.endsWith("+xml");
  }

  /**
   * True when {@code gzip} (or {@code *}) is listed without {@code q=0}. Scans in place: most clients send this
   * header on every request, so the common case allocates nothing.
   */
  static boolean acceptsGzip(Iterable<String> values) {
    if (values == null) {
      return false;
    }
    int wildcard = -1; // unknown; 0 refused; 1 allowed
    for (String value : values) {
      int n = value.length();
      int i = 0;
      while (i < n) {
        int end = value.indexOf(',', i);
        end = end < 0 ? n : end;
        int semicolon = value.indexOf(';', i);
        semicolon = semicolon < 0 || semicolon > end ? end : semicolon;
        int from = i;
        int to = semicolon;
        while (from < to && value.charAt(from) == ' ') {
          from++;
        }
        while (to > from && value.charAt(to - 1) == ' ') {
          to--;
        }
        boolean gzip = (to - from == 4 && value.regionMatches(true, from, "gzip", 0, 4))
            || (to - from == 6 && value.regionMatches(true, from, "x-gzip", 0, 6));
        boolean star = to - from == 1 && value.charAt(from) == '*';
        if (gzip || star) {
          boolean allowed = semicolon == end || !zeroQuality(value.substring(semicolon + 1, end));
          if (gzip) {
            return allowed;
          }
          wildcard = allowed ? 1 : 0;
        }
        i = end + 1;
      }
    }
    return wildcard == 1;
  }

  private static boolean zeroQuality(String parameters) {
    for (String p : parameters.split(";")) {
      String param = p.strip();
      if (param.length() > 2 && (param.charAt(0) == 'q' || param.charAt(0) == 'Q') && param.charAt(1) == '=') {
        return param.substring(2).strip().matches("0(\\.0{0,3})?");
      }
    }
    return false;
  }
}
