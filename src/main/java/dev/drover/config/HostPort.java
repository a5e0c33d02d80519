package dev.drover.config;

/** An address to listen on or connect to, written {@code "127.0.0.1:8000"} or {@code "[::1]:8000"}. */
public record HostPort(String host, int port) {

  public HostPort {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range");
    }
  }

  /** Parses host:port; the message of the exception is fit to follow "must be". */
  public static HostPort parse(String text) {
    String t = text.trim();
    int colon = t.lastIndexOf(':');
    String host = colon > 0 ? t.substring(0, colon) : "";
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.isEmpty() || host.contains(" ")) {
      throw new IllegalArgumentException("host:port such as \"127.0.0.1:8000\"");
    }
    int port;
    try {
      port = Integer.parseInt(t.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("host:port such as \"127.0.0.1:8000\"");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("host:port with a port from 1 to 65535");
    }
    return new HostPort(host, port);
  }

  /**
   * Parses an optional listen address: null when empty (off), else host:port where port 0 takes a free port.
   * The message of the exception is fit to follow "must be".
   */
  public static HostPort parseOptional(String text) {
    String t = text == null ? "" : text.trim();
    if (t.isEmpty()) {
      return null;
    }
    int colon = t.lastIndexOf(':');
    boolean anyPort = colon > 0 && t.substring(colon + 1).equals("0");
    try {
      // parse refuses port 0 as a setting; here it is allowed, so the host is checked with a stand-in port
      HostPort parsed = parse(anyPort ? t.substring(0, colon) + ":1" : t);
      return anyPort ? new HostPort(parsed.host(), 0) : parsed;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("empty (off) or host:port such as \"127.0.0.1:9100\" with a port from 0 to 65535");
    }
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
