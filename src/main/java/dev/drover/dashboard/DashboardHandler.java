package dev.drover.dashboard;

import dev.drover.supervisor.Supervisor;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dashboard's routes on the admin listener. The page and its script are static files from the jar and
 * hold no data, so anyone who can reach the listener gets them (a remote viewer needs them to type the token);
 * the JSON under {@code /api/} is what needs {@link AdminAuth}.
 */
final class DashboardHandler implements HttpHandler {
  static final int EVENTS_SHOWN = 50;
  /** As {@code drover scale} allows. */
  static final int MAX_WORKERS = 1024;
  private static final long READ_TIMEOUT_SECONDS = 5;
  // A reload replaces every worker one after another; on a slow machine that takes minutes.
  private static final long ACTION_TIMEOUT_SECONDS = 600;
  private static final Pattern RESTART = Pattern.compile("/api/workers/(\\d{1,4})/restart");
  private static final Map<String, String[]> FILES = Map.of(
      "/", new String[] {"index.html", "text/html; charset=utf-8"},
      "/dashboard.js", new String[] {"dashboard.js", "text/javascript; charset=utf-8"},
      "/dashboard.css", new String[] {"dashboard.css", "text/css; charset=utf-8"});
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
      + " img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private final Supervisor supervisor;
  private final Events events;
  private final History history;
  private final AdminAuth auth;
  private final Function<Object, String> json;
  private final Map<String, byte[]> files = new LinkedHashMap<>();

  DashboardHandler(Supervisor supervisor, Events events, History history, AdminAuth auth, Function<Object, String> json) {
    this.supervisor = supervisor;
    this.events = events;
    this.history = history;
    this.auth = auth;
    this.json = json;
    FILES.forEach((path, file) -> files.put(path, resource(file[0])));
  }

  private static byte[] resource(String name) {
    try (InputStream in = DashboardHandler.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("dashboard file " + name + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (exchange.isInIoThread()) {
      exchange.dispatch(this); // answers wait on the supervisor's thread
      return;
    }
    String path = exchange.getRequestPath();
    HttpString method = exchange.getRequestMethod();
    exchange.getResponseHeaders().put(new HttpString("X-Content-Type-Options"), "nosniff");
    exchange.getResponseHeaders().put(new HttpString("X-Frame-Options"), "DENY");
    exchange.getResponseHeaders().put(new HttpString("Referrer-Policy"), "no-referrer");
    String[] file = FILES.get(path.equals("/index.html") ? "/" : path);
    if (file != null) {
      if (!allow(exchange, Methods.GET, Methods.HEAD)) {
        return;
      }
      exchange.getResponseHeaders().put(new HttpString("Content-Security-Policy"), CSP);
      exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, file[1]);
      exchange.getResponseSender().send(ByteBuffer.wrap(files.get(path.equals("/index.html") ? "/" : path)));
      return;
    }
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
    switch (path) {
      case "/api/status" -> read(exchange, () -> json.apply(supervisor.status().get(READ_TIMEOUT_SECONDS, TimeUnit.SECONDS)));
      case "/api/live" -> read(exchange, () -> json.apply(live(flag(exchange.getQueryParameters().get("addresses")))));
      case "/api/reload" -> act(exchange, () -> supervisor.reload(flag(exchange.getQueryParameters().get("dry_run"))));
      case "/api/scale" -> act(exchange, () -> supervisor.scale(count(exchange.getQueryParameters().get("workers"))));
      default -> {
        Matcher m = RESTART.matcher(path);
        if (m.matches()) {
          act(exchange, () -> supervisor.restartWorker(Integer.parseInt(m.group(1))));
        } else {
          error(exchange, StatusCodes.NOT_FOUND, "not found");
        }
      }
    }
  }

  /** With {@code unmasked} (asked as {@code ?addresses=1}, and only with the token) events name whole client addresses. */
  private Map<String, Object> live(boolean unmasked) throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("status", supervisor.status().get(READ_TIMEOUT_SECONDS, TimeUnit.SECONDS));
    out.put("history", history.all());
    out.put("events", events.last(EVENTS_SHOWN, unmasked));
    out.put("actions", auth.actionsPossible());
    return out;
  }

  private interface Answer {
    String get() throws Exception;
  }

  private interface Action {
    CompletableFuture<?> start();
  }

  private void read(HttpServerExchange exchange, Answer answer) {
    // Whole client addresses are personal data: they need the token even from loopback.
    boolean needsToken = flag(exchange.getQueryParameters().get("addresses"));
    if (!allow(exchange, Methods.GET, Methods.HEAD) || !authorized(exchange, needsToken)) {
      return;
    }
    try {
      send(exchange, StatusCodes.OK, answer.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      error(exchange, StatusCodes.SERVICE_UNAVAILABLE, "interrupted");
    } catch (Exception e) {
      error(exchange, StatusCodes.SERVICE_UNAVAILABLE, "the supervisor did not answer: " + message(e));
    }
  }

  private void act(HttpServerExchange exchange, Action action) {
    if (!allow(exchange, Methods.POST) || !authorized(exchange, true)) {
      return;
    }
    CompletableFuture<?> result;
    try {
      result = action.start();
    } catch (IllegalArgumentException e) {
      error(exchange, StatusCodes.BAD_REQUEST, e.getMessage());
      return;
    }
    try {
      send(exchange, StatusCodes.OK, json.apply(result.get(ACTION_TIMEOUT_SECONDS, TimeUnit.SECONDS)));
    } catch (ExecutionException e) {
      error(exchange, StatusCodes.CONFLICT, message(e.getCause()));
    } catch (TimeoutException e) {
      error(exchange, StatusCodes.GATEWAY_TIME_OUT, "not finished after " + ACTION_TIMEOUT_SECONDS + " s; see status");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      error(exchange, StatusCodes.SERVICE_UNAVAILABLE, "interrupted");
    }
  }

  private boolean authorized(HttpServerExchange exchange, boolean changes) {
    int refused = auth.check(exchange, changes);
    if (refused == 0) {
      return true;
    }
    if (refused == StatusCodes.UNAUTHORIZED) {
      exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer realm=\"drover\"");
    }
    error(exchange, refused, refused == StatusCodes.UNAUTHORIZED
        ? (changes ? "this action needs the admin token (Authorization: Bearer …)"
            : "the admin token is needed from outside this machine")
        : "wrong admin token" + (auth.actionsPossible() ? "" : ": none is set (balancer.admin_token in .secrets.toml)"));
    return false;
  }

  private boolean allow(HttpServerExchange exchange, HttpString... methods) {
    for (HttpString m : methods) {
      if (m.equals(exchange.getRequestMethod())) {
        return true;
      }
    }
    StringBuilder allowed = new StringBuilder();
    for (HttpString m : methods) {
      allowed.append(allowed.length() == 0 ? "" : ", ").append(m);
    }
    exchange.getResponseHeaders().put(Headers.ALLOW, allowed.toString());
    error(exchange, StatusCodes.METHOD_NOT_ALLOWED, "method not allowed");
    return false;
  }

  static boolean flag(Deque<String> values) {
    return values != null && !values.isEmpty() && (values.getFirst().equals("1") || values.getFirst().equals("true"));
  }

  static int count(Deque<String> values) {
    int n;
    try {
      n = Integer.parseInt(values == null || values.isEmpty() ? "" : values.getFirst().trim());
    } catch (NumberFormatException e) {
      n = 0;
    }
    if (n < 1 || n > MAX_WORKERS) {
      throw new IllegalArgumentException("workers must be a whole number from 1 to " + MAX_WORKERS);
    }
    return n;
  }

  private static String message(Throwable e) {
    Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private void error(HttpServerExchange exchange, int status, String message) {
    send(exchange, status, json.apply(Map.of("error", message)));
  }

  private static void send(HttpServerExchange exchange, int status, String body) {
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.getResponseSender().send(body);
  }
}
