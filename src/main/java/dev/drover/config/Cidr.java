package dev.drover.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** An IP address or network, written {@code "10.0.0.0/8"}, {@code "192.0.2.7"} or {@code "::1"}. */
public record Cidr(byte[] network, int prefix) {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  /** Parses a literal address with an optional prefix length; names are refused, never resolved. */
  public static Cidr parse(String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    String host = slash < 0 ? t : t.substring(0, slash);
    // a literal only: InetAddress would look anything else up in DNS
    if (!IPV4.matcher(host).matches() && !host.contains(":")) {
      throw bad();
    }
    byte[] address;
    try {
      address = InetAddress.getByName(host).getAddress();
    } catch (UnknownHostException e) {
      throw bad();
    }
    int prefix = address.length * 8;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(t.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw bad();
      }
      if (prefix < 0 || prefix > address.length * 8) {
        throw new IllegalArgumentException("an IP address or CIDR whose prefix length is at most "
            + address.length * 8 + " for " + (address.length == 4 ? "IPv4" : "IPv6"));
      }
    }
    return new Cidr(address, prefix);
  }

  private static IllegalArgumentException bad() {
    return new IllegalArgumentException("an IP address or CIDR such as \"10.0.0.0/8\" or \"::1\"");
  }

  /** Whether the address (4 or 16 bytes) lies in this network. */
  public boolean contains(byte[] peer) {
    if (peer.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (peer[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (peer[full] & mask) == (network[full] & mask);
  }
}
