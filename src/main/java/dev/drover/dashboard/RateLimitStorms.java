package dev.drover.dashboard;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns each second's rate-limited clients into events when they add up to a storm: one when it starts, then
 * one every {@value #REPEAT_MILLIS} ms while it lasts, naming the top networks. Addresses are shown as their
 * /24 (IPv4) or /48 (IPv6) network, which tells an operator where a flood comes from without putting visitors'
 * addresses on a screen; the whole addresses are kept for a viewer with the token who asks.
 */
final class RateLimitStorms {
  /** Refusals per second from which a second counts as part of a storm. */
  static final double STORM_PER_SECOND = 20;
  static final long REPEAT_MILLIS = 30_000;
  static final int TOP = 3;

  private final Events events;
  private boolean inStorm;
  private long lastEventMillis;

  RateLimitStorms(Events events) {
    this.events = events;
  }

  /** One interval's refused clients and their counts. */
  void observe(Map<InetAddress, Long> clients, double seconds, long nowMillis) {
    long total = clients.values().stream().mapToLong(Long::longValue).sum();
    double rate = total / Math.max(1e-3, seconds);
    if (rate < STORM_PER_SECOND) {
      if (inStorm) {
        events.add("storm", "rate-limit storm over");
      }
      inStorm = false;
      return;
    }
    if (inStorm && nowMillis - lastEventMillis < REPEAT_MILLIS) {
      return;
    }
    inStorm = true;
    lastEventMillis = nowMillis;
    String head = "rate-limit storm: " + Math.round(rate) + " requests/s refused (429); top clients ";
    events.add("storm", head + top(byNetwork(clients)), head + top(clients));
  }

  private static <K> String top(Map<K, Long> counts) {
    List<Map.Entry<K, Long>> sorted = new ArrayList<>(counts.entrySet());
    sorted.sort(Map.Entry.<K, Long>comparingByValue().reversed());
    List<String> parts = new ArrayList<>();
    for (Map.Entry<K, Long> e : sorted.subList(0, Math.min(TOP, sorted.size()))) {
      String name = e.getKey() instanceof InetAddress a ? a.getHostAddress() : String.valueOf(e.getKey());
      parts.add(name + " (" + e.getValue() + ")");
    }
    return String.join(", ", parts);
  }

  static Map<String, Long> byNetwork(Map<InetAddress, Long> clients) {
    Map<String, Long> out = new LinkedHashMap<>();
    clients.forEach((a, n) -> out.merge(network(a), n, Long::sum));
    return out;
  }

  /** 203.0.113.7 → 203.0.113.0/24; 2001:db8:1:2::5 → 2001:db8:1::/48. */
  static String network(InetAddress a) {
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + ".0/24";
    }
    return Integer.toHexString((b[0] & 0xff) << 8 | (b[1] & 0xff)) + ":" + Integer.toHexString((b[2] & 0xff) << 8 | (b[3] & 0xff))
        + ":" + Integer.toHexString((b[4] & 0xff) << 8 | (b[5] & 0xff)) + "::/48";
  }
}
