package dev.drover.dashboard;

import dev.drover.balancer.Metrics;
import dev.drover.config.Secret;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Who may do what on the admin listener. Changing anything needs the admin token in a header
 * ({@code Authorization: Bearer <token>} or {@code X-Drover-Token}), never a cookie: a page on another site
 * can make a browser send cookies, not custom headers without a CORS answer we never give. Reading needs the
 * token too, except from loopback with a loopback {@code Host} (a rebound DNS name does not count as local).
 * Every refusal is counted in {@link Metrics#adminRefused}.
 */
final class AdminAuth {
  static final HttpString TOKEN_HEADER = new HttpString("X-Drover-Token");
  private static final String BEARER = "bearer ";

  private final Supplier<Secret> token;
  private final Metrics metrics;

  AdminAuth(Supplier<Secret> token, Metrics metrics) {
    this.token = token;
    this.metrics = metrics;
  }

  /** 0 when allowed, else the status to refuse with: 401 without credentials, 403 with a wrong token. */
  int check(HttpServerExchange exchange, boolean changes) {
    String given = presented(exchange);
    int status;
    if (given == null) {
      status = !changes && fromLoopback(exchange) ? 0 : 401;
    } else {
      Secret expected = token.get();
      status = expected != null && !expected.isEmpty() && sameToken(given, expected.reveal()) ? 0 : 403;
    }
    if (status != 0) {
      metrics.adminRefused(status);
    }
    return status;
  }

  /** True when an admin token is configured, so actions can be allowed at all. */
  boolean actionsPossible() {
    Secret t = token.get();
    return t != null && !t.isEmpty();
  }

  static String presented(HttpServerExchange exchange) {
    String auth = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
    if (auth != null && auth.length() > BEARER.length()
        && auth.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      return auth.substring(BEARER.length()).trim();
    }
    String header = exchange.getRequestHeaders().getFirst(TOKEN_HEADER);
    return header == null || header.isBlank() ? null : header.trim();
  }

  /**
   * Equal in time independent of where they differ: both sides are hashed first, so neither the length nor a
   * matching prefix of the real token shows in how long a refusal takes.
   */
  static boolean sameToken(String given, String expected) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] a = sha.digest(given.getBytes(StandardCharsets.UTF_8));
      byte[] b = sha.digest(expected.getBytes(StandardCharsets.UTF_8));
      return MessageDigest.isEqual(a, b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  static boolean fromLoopback(HttpServerExchange exchange) {
    InetSocketAddress peer = exchange.getSourceAddress();
    InetAddress address = peer == null ? null : peer.getAddress();
    return address != null && address.isLoopbackAddress() && loopbackHost(exchange.getRequestHeaders().getFirst(Headers.HOST));
  }

  /** localhost, 127.x.y.z or [::1], with or without a port. */
  static boolean loopbackHost(String host) {
    if (host == null) {
      return false;
    }
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      return h.startsWith("[::1]");
    }
    int colon = h.indexOf(':');
    String name = colon < 0 ? h : h.substring(0, colon);
    return name.equals("localhost") || name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }
}
