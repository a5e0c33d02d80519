package dev.drover.balancer;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends to the backend with the fewest requests outstanding; ties take turns. Safer than round robin when
 * a worker slows down or is left with abandoned requests: it gets less until it has drained.
 */
final class LeastConnections implements Strategy {
  private final AtomicInteger next = new AtomicInteger();

  @Override
  public Backend pick(Backend[] rotation, Backend[] avoid) {
    int n = rotation.length;
    if (n == 0) {
      return null;
    }
    int start = Strategy.turn(next, n);
    Backend best = null;
    int bestLoad = Integer.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      Backend b = rotation[(start + i) % n];
      if (Strategy.eligible(b, avoid)) {
        int load = b.inFlight();
        if (load < bestLoad) {
          best = b;
          bestLoad = load;
        }
      }
    }
    return best;
  }
}
