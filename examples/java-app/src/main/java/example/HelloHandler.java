package example;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The app. Each drover worker creates one with the project's {@code [app_settings]} and secrets (such as
 * {@code secret_key}) as plain strings, then hands it every request.
 */
public final class HelloHandler implements HttpHandler {
  private final String greeting;
  private final String secretKey;

  public HelloHandler(Map<String, Object> settings) {
    this.greeting = String.valueOf(settings.getOrDefault("greeting", "Hello from drover"));
    Object key = settings.get("secret_key");
    this.secretKey = key == null ? "" : key.toString();
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    if (!exchange.getRequestMethod().equals(Methods.GET) && !exchange.getRequestMethod().equals(Methods.HEAD)) {
      exchange.setStatusCode(StatusCodes.METHOD_NOT_ALLOWED);
      exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
      exchange.endExchange();
      return;
    }
    String path = exchange.getRequestPath();
    StringBuilder body = new StringBuilder(greeting).append('\n');
    body.append("path: ").append(path).append('\n');
    if (secretKey.isEmpty()) {
      body.append("secret_key: not set (put secret_key = \"...\" under [default] in .secrets.toml)\n");
    } else {
      // Shows the app has the key without showing the key: every worker gets the same one, so every
      // worker signs a path alike, which is what signed cookies or tokens need.
      body.append("secret_key: set (").append(secretKey.length()).append(" chars)\n");
      body.append("hmac-sha256(path): ").append(sign(path)).append('\n');
    }
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
    exchange.getResponseSender().send(body.toString(), StandardCharsets.UTF_8);
  }

  private String sign(String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }
}
