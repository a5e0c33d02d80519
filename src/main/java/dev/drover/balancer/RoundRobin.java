package dev.drover.balancer;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Takes turns over the backends in rotation. The rotation holds available backends only, so a failed one's
 * share spreads evenly instead of landing on its neighbour; walking forward past an ineligible backend
 * happens only in the moment between a state change and the rebuilt rotation, or on a retry.
 */
final class RoundRobin implements Strategy {
  private final AtomicInteger next = new AtomicInteger();

  @Override
  public Backend pick(Backend[] rotation, Backend[] avoid) {
    int n = rotation.length;
    if (n == 0) {
      return null;
    }
    int start = Strategy.turn(next, n);
    for (int i = 0; i < n; i++) {
      Backend b = rotation[(start + i) % n];
      if (Strategy.eligible(b, avoid)) {
        return b;
      }
    }
    return null;
  }
}
