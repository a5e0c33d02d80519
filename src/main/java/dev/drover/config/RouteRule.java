package dev.drover.config;

/**
 * A per-route rate limit, like a flask-limiter decorator: {@code path} is exact ({@code "/login"}) or a
 * prefix ending in {@code *} ({@code "/api/*"}); {@code method} is empty for any method; {@code burst} 0
 * means the limit's own count.
 */
public record RouteRule(String path, String method, Rate limit, int burst) {

  public boolean isPrefix() {
    return path.endsWith("*");
  }

  /** The path without its trailing {@code *}. */
  public String prefix() {
    return isPrefix() ? path.substring(0, path.length() - 1) : path;
  }

  public boolean matches(String method, String requestPath) {
    if (!this.method.isEmpty() && !this.method.equalsIgnoreCase(method)) {
      return false;
    }
    return isPrefix() ? requestPath.startsWith(prefix()) : requestPath.equals(path);
  }
}
