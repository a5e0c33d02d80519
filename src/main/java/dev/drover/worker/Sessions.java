package dev.drover.worker;

import dev.drover.config.Secret;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sessions for apps, kept in a cookie signed with HMAC-SHA256 by {@code secret_key}, so every worker reads the
 * same visitor state without a shared store. Wrap the app's handler, then read and change the session of a
 * request with {@link #of}:
 *
 * <pre>{@code
 * Sessions sessions = Sessions.from(ctx);          // in App.handler(ctx)
 * return sessions.wrap(exchange -> {
 *   Session s = Sessions.of(exchange);
 *   s.put("visits", s.getLong("visits", 0) + 1);
 *   exchange.getResponseSender().send("hello");
 * });
 * }</pre>
 *
 * <p>The cookie is {@code HttpOnly}, {@code SameSite=Lax}, and {@code Secure} when the request came over TLS
 * (to the worker or, as {@code X-Forwarded-Proto: https}, to the balancer, which drops that header from
 * untrusted clients). A cookie that is tampered with, expired, oversized or signed by an unknown key gives an
 * empty session, never an error. Keys named in {@code secret_key_fallbacks} still verify, and such a cookie is
 * signed again with the current key, so a key can be rotated without logging everybody out.
 */
public final class Sessions {
  /** The cookie's name. */
  public static final String COOKIE = "drover_session";
  /** A shorter key could be guessed offline from one cookie; HMAC-SHA256 wants its output size at least. */
  public static final int MIN_KEY_BYTES = Secret.MIN_SIGNING_KEY_BYTES;
  /** Browsers keep cookies up to about 4096 bytes, name and attributes included. */
  public static final int MAX_COOKIE_BYTES = 4000;
  public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(31);

  static final String KEY = "secret_key";
  static final String FALLBACKS = "secret_key_fallbacks";
  private static final AttachmentKey<Session> SESSION = AttachmentKey.create(Session.class);
  private static final HttpString FORWARDED_PROTO = new HttpString("X-Forwarded-Proto");

  private final SessionCodec codec;
  private final long maxAgeSeconds;
  private final Clock clock;
  private final System.Logger log;

  private Sessions(SessionCodec codec, long maxAgeSeconds, Clock clock, System.Logger log) {
    this.codec = codec;
    this.maxAgeSeconds = maxAgeSeconds;
    this.clock = clock;
    this.log = log;
  }

  /**
   * Sessions signed with the worker's {@code secret_key} and verified by it and its {@code secret_key_fallbacks}.
   *
   * @throws IllegalArgumentException when {@code secret_key} is missing or shorter than {@value #MIN_KEY_BYTES}
   *     bytes; thrown from {@code App.handler}, the worker does not start and says why
   */
  public static Sessions from(AppContext ctx) {
    List<Secret> fallbacks = new ArrayList<>();
    for (int i = 0; ctx.secret(FALLBACKS + "." + i).isPresent(); i++) {
      fallbacks.add(ctx.secret(FALLBACKS + "." + i).get());
    }
    return create(ctx.secret(KEY).orElse(new Secret("")), fallbacks, DEFAULT_MAX_AGE, Clock.systemUTC(),
        ctx.logger());
  }

  /**
   * The same for a plain {@code HttpHandler} app, from the map its constructor gets ({@code secret_key} and
   * {@code secret_key_fallbacks.0}, {@code .1} … as text).
   */
  public static Sessions from(Map<String, ?> settingsAndSecrets) {
    Object key = settingsAndSecrets.get(KEY);
    List<Secret> fallbacks = new ArrayList<>();
    for (int i = 0; settingsAndSecrets.get(FALLBACKS + "." + i) != null; i++) {
      fallbacks.add(new Secret(String.valueOf(settingsAndSecrets.get(FALLBACKS + "." + i))));
    }
    return create(new Secret(key == null ? "" : String.valueOf(key)), fallbacks, DEFAULT_MAX_AGE, Clock.systemUTC(),
        System.getLogger(Sessions.class.getName()));
  }

  /** Sessions with an explicit key, fallbacks, lifetime and clock. */
  public static Sessions create(Secret key, List<Secret> fallbacks, Duration maxAge, Clock clock, System.Logger log) {
    List<byte[]> secrets = new ArrayList<>();
    secrets.add(checked(KEY, key));
    for (int i = 0; i < fallbacks.size(); i++) {
      secrets.add(checked(FALLBACKS + "[" + i + "]", fallbacks.get(i)));
    }
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("a session's max age must be positive, got " + maxAge);
    }
    return new Sessions(new SessionCodec(secrets), maxAge.toSeconds(), clock, log);
  }

  private static byte[] checked(String name, Secret secret) {
    byte[] bytes = secret.reveal().getBytes(StandardCharsets.UTF_8);
    if (bytes.length == 0) {
      throw new IllegalArgumentException(name + " is not set: signed sessions need a key of at least " + MIN_KEY_BYTES
          + " bytes in .secrets.toml (make one with: drover secret)");
    }
    if (bytes.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(name + " is " + bytes.length + " bytes: signed sessions need at least "
          + MIN_KEY_BYTES + " (make one with: drover secret)");
    }
    return bytes;
  }

  /** The session of a request inside a handler wrapped by {@link #wrap}. */
  public static Session of(HttpServerExchange exchange) {
    Session s = exchange.getAttachment(SESSION);
    if (s == null) {
      throw new IllegalStateException("no session on this request: wrap the handler with Sessions.wrap");
    }
    return s;
  }

  /** A handler that loads each request's session before {@code next} and writes it back if it changed. */
  public HttpHandler wrap(HttpHandler next) {
    return exchange -> {
      Session session = load(exchange);
      exchange.putAttachment(SESSION, session);
      exchange.addResponseCommitListener(ex -> save(ex, session));
      next.handleRequest(exchange);
    };
  }

  Session load(HttpServerExchange exchange) {
    String cookie = cookie(exchange);
    if (cookie == null || cookie.length() > MAX_COOKIE_BYTES) {
      return Session.empty();
    }
    long now = clock.instant().getEpochSecond();
    Optional<SessionCodec.Decoded> decoded = codec.decode(cookie, now, maxAgeSeconds);
    if (decoded.isEmpty()) {
      return Session.empty();
    }
    // Signed again when the key was retired, or past half its life, so an active visitor's session lasts.
    boolean refresh = decoded.get().byFallback() || now - decoded.get().issuedAtSeconds() > maxAgeSeconds / 2;
    return new Session(decoded.get().values(), refresh);
  }

  void save(HttpServerExchange exchange, Session session) {
    if (!session.isModified()) {
      return;
    }
    StringBuilder c = new StringBuilder(COOKIE).append('=');
    if (session.isEmpty()) {
      c.append("; Max-Age=0");
    } else {
      c.append(codec.encode(session.asMap(), clock.instant().getEpochSecond())).append("; Max-Age=").append(maxAgeSeconds);
    }
    c.append("; Path=/; HttpOnly; SameSite=Lax");
    if (overTls(exchange)) {
      c.append("; Secure");
    }
    if (c.length() > MAX_COOKIE_BYTES) {
      // the browser would drop it silently; the visitor keeps the previous cookie and the app's author is told
      log.log(System.Logger.Level.WARNING, "session of " + session.asMap().size() + " values needs a "
          + c.length() + "-byte cookie, over the " + MAX_COOKIE_BYTES + "-byte cap; not saved");
      return;
    }
    exchange.getResponseHeaders().add(Headers.SET_COOKIE, c.toString());
  }

  static boolean overTls(HttpServerExchange exchange) {
    if (exchange.getConnection().getSslSessionInfo() != null) {
      return true;
    }
    String proto = exchange.getRequestHeaders().getFirst(FORWARDED_PROTO);
    return proto != null && proto.trim().equalsIgnoreCase("https");
  }

  /** The first cookie of our name in the request's Cookie headers, parsed here to take no cookie library's view of odd values. */
  static String cookie(HttpServerExchange exchange) {
    HeaderValues headers = exchange.getRequestHeaders().get(Headers.COOKIE);
    if (headers == null) {
      return null;
    }
    for (String header : headers) {
      for (String pair : header.split(";")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).trim().equals(COOKIE)) {
          String value = pair.substring(eq + 1).trim();
          return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
              ? value.substring(1, value.length() - 1) : value;
        }
      }
    }
    return null;
  }
}
