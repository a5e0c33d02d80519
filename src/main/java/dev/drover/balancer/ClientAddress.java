package dev.drover.balancer;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Who a request comes from, for per-client limits. The peer address, unless the peer is a trusted proxy: then
 * {@code X-Forwarded-For} is read from the right, skipping entries that are trusted proxies themselves, and the
 * first untrusted address is the client. Entries left of it were written by that client and prove nothing, so
 * a client cannot pick its own bucket by sending the header.
 */
final class ClientAddress {

  private ClientAddress() {
  }

  /**
   * The client behind {@code peer}. {@code forwardedFor} holds the {@code X-Forwarded-For} lines as received
   * (null or empty when absent). An entry that is not an IP literal stops the walk at the last hop vouched
   * for, which limits the proxy's clients together rather than letting a malformed header pick a bucket.
   */
  static InetAddress resolve(InetAddress peer, List<String> forwardedFor, TrustedProxies trusted) {
    if (forwardedFor == null || forwardedFor.isEmpty() || trusted.isEmpty() || !trusted.trusts(peer)) {
      return peer;
    }
    InetAddress client = peer;
    for (int line = forwardedFor.size() - 1; line >= 0; line--) {
      String value = forwardedFor.get(line);
      int end = value.length();
      while (end > 0) {
        int comma = value.lastIndexOf(',', end - 1);
        String entry = value.substring(comma + 1, end).trim();
        end = comma;
        if (entry.isEmpty()) {
          continue;
        }
        InetAddress hop = literal(entry);
        if (hop == null) {
          return client;
        }
        if (!trusted.trusts(hop)) {
          return hop;
        }
        client = hop;
      }
    }
    // every hop is a trusted proxy: the farthest one is as close to the client as we can tell
    return client;
  }

  /**
   * An IPv4 or IPv6 literal as proxies write them ({@code 203.0.113.7}, {@code 203.0.113.7:5123},
   * {@code 2001:db8::1}, {@code [2001:db8::1]:5123}), or null. Never resolves a name: the text is the client's.
   */
  static InetAddress literal(String text) {
    String s = text;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        return null;
      }
      s = s.substring(1, close);
    } else {
      int colon = s.indexOf(':');
      if (colon >= 0 && colon == s.lastIndexOf(':') && s.indexOf('.') >= 0) {
        s = s.substring(0, colon); // IPv4 with a port
      }
    }
    byte[] v4 = ipv4(s);
    if (v4 != null) {
      return address(v4);
    }
    if (s.indexOf(':') < 0 || !hexColonsAndDots(s)) {
      return null;
    }
    try {
      // brackets make the JDK parse an IPv6 literal or fail; without them a bad literal falls through to DNS
      return InetAddress.getByName("[" + s + "]");
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static byte[] ipv4(String s) {
    byte[] out = new byte[4];
    int part = 0;
    int value = 0;
    int digits = 0;
    for (int i = 0; i <= s.length(); i++) {
      char c = i < s.length() ? s.charAt(i) : '.';
      if (c >= '0' && c <= '9') {
        value = value * 10 + (c - '0');
        if (++digits > 3 || value > 255) {
          return null;
        }
      } else if (c == '.' && digits > 0 && part < 4) {
        out[part++] = (byte) value;
        value = 0;
        digits = 0;
      } else {
        return null;
      }
    }
    return part == 4 ? out : null;
  }

  private static boolean hexColonsAndDots(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hex && c != ':' && c != '.') {
        return false;
      }
    }
    return true;
  }

  private static InetAddress address(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are always an address", e);
    }
  }
}
