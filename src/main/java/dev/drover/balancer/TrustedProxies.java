package dev.drover.balancer;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** {@code balancer.trusted_proxies}: the peers whose {@code X-Forwarded-*} headers are believed. */
final class TrustedProxies {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private final List<Range> ranges;

  private TrustedProxies(List<Range> ranges) {
    this.ranges = ranges;
  }

  /** Parses addresses and CIDRs such as {@code 10.0.0.0/8} or {@code ::1}; names are refused, never resolved. */
  static TrustedProxies parse(List<String> entries) {
    List<Range> ranges = new ArrayList<>();
    for (String entry : entries) {
      ranges.add(Range.parse(entry.trim()));
    }
    return new TrustedProxies(List.copyOf(ranges));
  }

  boolean isEmpty() {
    return ranges.isEmpty();
  }

  boolean trusts(InetAddress peer) {
    byte[] bytes = peer.getAddress();
    for (Range r : ranges) {
      if (r.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  private record Range(byte[] network, int prefix) {

    static Range parse(String text) {
      int slash = text.indexOf('/');
      String host = slash < 0 ? text : text.substring(0, slash);
      // a literal only: InetAddress would look anything else up in DNS
      if (!IPV4.matcher(host).matches() && !host.contains(":")) {
        throw bad(text);
      }
      byte[] address;
      try {
        address = InetAddress.getByName(host).getAddress();
      } catch (UnknownHostException e) {
        throw bad(text);
      }
      int prefix = address.length * 8;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
          throw bad(text);
        }
        if (prefix < 0 || prefix > address.length * 8) {
          throw bad(text);
        }
      }
      return new Range(address, prefix);
    }

    boolean contains(byte[] peer) {
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

    private static IllegalArgumentException bad(String text) {
      return new IllegalArgumentException("balancer.trusted_proxies: \"" + text
          + "\" must be an IP address or CIDR such as \"10.0.0.0/8\" or \"::1\"");
    }
  }
}
