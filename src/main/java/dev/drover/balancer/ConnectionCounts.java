package dev.drover.balancer;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code balancer.max_connections_per_ip} as a decision on addresses, apart from any socket: open connections per
 * client address, an address forgotten when its last connection closes. {@link PerIpConnectionLimit} applies it to
 * Undertow's accepted connections; a front with sockets of its own can apply it the same way. Thread-safe.
 */
final class ConnectionCounts {
  private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

  /** Counts one more connection from {@code address}, unless {@code max} (0: no limit) are open: then false. */
  boolean acquire(InetAddress address, int max) {
    boolean[] taken = {false};
    open.compute(address, (a, n) -> {
      int count = n == null ? 0 : n;
      if (max > 0 && count >= max) {
        return n;
      }
      taken[0] = true;
      return count + 1;
    });
    return taken[0];
  }

  /** One connection from {@code address} closed; call once per successful {@link #acquire}. */
  void release(InetAddress address) {
    open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
  }

  /** Connections open from {@code address}; 0 once it is forgotten. */
  int open(InetAddress address) {
    return open.getOrDefault(address, 0);
  }

  /** Addresses with a connection open. */
  int addresses() {
    return open.size();
  }
}
