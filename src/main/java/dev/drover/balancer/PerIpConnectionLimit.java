package dev.drover.balancer;

import dev.drover.config.BalancerSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;

/**
 * {@code balancer.max_connections_per_ip}: open connections per client address, counted from accept to close.
 * A connection beyond the limit is closed as soon as it is accepted, before a byte is read, and counted by
 * {@link Metrics#connectionRejected()}; counting at accept catches clients that open connections and send nothing.
 * 0 means no limit. Trusted proxies ({@code balancer.trusted_proxies}) are exempt: every client behind one
 * shares its address.
 *
 * <p>Connections are counted even without a limit, so a limit set by a reload applies to those already open. An
 * address is forgotten when its last connection closes, so memory follows the open connections.
 */
final class PerIpConnectionLimit implements Reconfigurable {
  private record Rule(int max, TrustedProxies exempt) {
  }

  /** What {@link #admit} returns for a connection it does not count (a trusted proxy's). */
  private static final Runnable UNCOUNTED = () -> { };
  private final Metrics metrics;
  private final ConnectionCounts counts = new ConnectionCounts();
  private volatile Rule rule;

  PerIpConnectionLimit(BalancerSettings settings, Metrics metrics) {
    this.metrics = metrics;
    reconfigure(settings);
  }

  @Override
  public void reconfigure(BalancerSettings settings) {
    rule = new Rule(settings.maxConnectionsPerIp(), TrustedProxies.parse(settings.trustedProxies()));
  }

  /** Wraps the listener that takes over accepted connections. */
  ChannelListener<StreamConnection> guard(ChannelListener<? super StreamConnection> next) {
    return connection -> {
      InetSocketAddress peer = connection.getPeerAddress(InetSocketAddress.class);
      Runnable release = peer == null ? UNCOUNTED : admit(peer.getAddress());
      if (release == null) {
        IoUtils.safeClose(connection);
        return;
      }
      if (release == UNCOUNTED) {
        next.handleEvent(connection);
        return;
      }
      try {
        next.handleEvent(connection);
      } finally {
        // Undertow sets its own close listener while taking the connection over: chain ours behind it
        ChannelListener<? super StreamConnection> undertows = connection.getCloseListener();
        connection.setCloseListener(c -> {
          try {
            if (undertows != null) {
              undertows.handleEvent(c);
            }
          } finally {
            release.run();
          }
        });
        if (!connection.isOpen()) {
          release.run(); // closed before our listener was in place
        }
      }
    };
  }


  /**
   * For a front that accepts its own sockets: counts a connection from {@code address}, and returns what to run once
   * when it closes, or null when it is over the limit (counted as rejected; close it unread).
   */
  Runnable admit(InetAddress address) {
    Rule r = rule;
    if (r.exempt().trusts(address)) {
      return UNCOUNTED;
    }
    if (!counts.acquire(address, r.max())) {
      metrics.connectionRejected();
      return null;
    }
    AtomicBoolean counted = new AtomicBoolean(true);
    return () -> {
      if (counted.getAndSet(false)) {
        counts.release(address);
      }
    };
  }

  /** Connections open from {@code address}; 0 once it is forgotten. */
  int open(InetAddress address) {
    return counts.open(address);
  }

  /** Addresses with a connection open. */
  int addresses() {
    return counts.addresses();
  }
}
