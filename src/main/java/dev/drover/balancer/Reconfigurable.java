package dev.drover.balancer;

import dev.drover.config.BalancerSettings;

/**
 * A part of the balancer whose knobs change live on {@code drover reload}, without dropping a connection.
 * Called on the reloading thread while requests flow: swap an immutable snapshot, never mutate in place.
 */
interface Reconfigurable {
  /** Throws IllegalArgumentException (with a message naming the key) when the settings cannot be applied. */
  void reconfigure(BalancerSettings settings);
}
