package dev.drover.balancer;

import dev.drover.config.Cidr;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** {@code balancer.trusted_proxies}: the peers whose {@code X-Forwarded-*} headers are believed. */
final class TrustedProxies {
  private final List<Cidr> ranges;

  private TrustedProxies(List<Cidr> ranges) {
    this.ranges = ranges;
  }

  /** Parses addresses and CIDRs such as {@code 10.0.0.0/8} or {@code ::1}; names are refused, never resolved. */
  static TrustedProxies parse(List<String> entries) {
    List<Cidr> ranges = new ArrayList<>();
    for (String entry : entries) {
      try {
        ranges.add(Cidr.parse(entry));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("balancer.trusted_proxies: \"" + entry.trim() + "\" must be " + e.getMessage());
      }
    }
    return new TrustedProxies(List.copyOf(ranges));
  }

  boolean isEmpty() {
    return ranges.isEmpty();
  }

  boolean trusts(InetAddress peer) {
    byte[] bytes = peer.getAddress();
    for (Cidr r : ranges) {
      if (r.contains(bytes)) {
        return true;
      }
    }
    return false;
  }
}
