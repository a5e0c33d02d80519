package dev.drover.balancer;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chooses the backend for the next request among those in rotation. Called on network threads for every
 * request, so implementations are lock-free and allocate nothing.
 */
interface Strategy {

  /**
   * A routable backend of {@code rotation} that is not in {@code avoid}, or null when there is none.
   * {@code rotation} holds only backends that were routable when it was built; the state is checked again
   * here because it may have changed since.
   */
  Backend pick(Backend[] rotation, Backend[] avoid);

  /** The strategy named by {@code balancer.strategy}. */
  static Strategy named(String name) {
    return switch (name) {
      case "round_robin" -> new RoundRobin();
      case "least_connections" -> new LeastConnections();
      default -> throw new IllegalArgumentException("balancer.strategy must be round_robin or least_connections, not "
          + name);
    };
  }

  static boolean eligible(Backend backend, Backend[] avoid) {
    if (!backend.routable()) {
      return false;
    }
    for (Backend b : avoid) {
      if (b == backend) {
        return false;
      }
    }
    return true;
  }

  /** A start index that moves by one per call, so equal choices take turns. */
  static int turn(AtomicInteger counter, int n) {
    return (counter.getAndIncrement() & Integer.MAX_VALUE) % n;
  }
}
