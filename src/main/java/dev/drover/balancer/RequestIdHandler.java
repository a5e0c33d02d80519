package dev.drover.balancer;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes sure every request carries one {@code X-Request-Id} to the backend and back to the client. A
 * client's own id is kept when it is short and made of safe characters, so ids can be followed across
 * services; anything else is replaced, since it ends up in logs and error pages.
 */
final class RequestIdHandler implements HttpHandler {
  static final HttpString HEADER = new HttpString("X-Request-Id");
  static final int MAX_LENGTH = 128;
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private final HttpHandler next;

  RequestIdHandler(HttpHandler next) {
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    String id = exchange.getRequestHeaders().getFirst(HEADER);
    if (!sane(id) || exchange.getRequestHeaders().count(HEADER) > 1) {
      id = generate();
    }
    exchange.getRequestHeaders().put(HEADER, id);
    exchange.getResponseHeaders().put(HEADER, id);
    next.handleRequest(exchange);
  }

  static boolean sane(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.' || c == ':' || c == '+' || c == '/' || c == '=' || c == '@';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** 128 random bits as 32 hex digits; unique enough for tracing and cheaper than a locked secure random. */
  static String generate() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] out = new char[32];
    long hi = random.nextLong();
    long lo = random.nextLong();
    for (int i = 0; i < 16; i++) {
      out[i] = HEX[(int) (hi >>> (60 - 4 * i)) & 0xf];
      out[16 + i] = HEX[(int) (lo >>> (60 - 4 * i)) & 0xf];
    }
    return new String(out);
  }
}
