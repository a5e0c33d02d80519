package dev.drover.supervisor;

import dev.drover.config.BalancerSettings;
import java.net.URI;

/** What the arbiter needs of the balancer's pool: routing to workers by id, and their counts. */
public interface Backends {
  void admit(String id, URI address);

  /** Stop routing new requests to it; requests in flight finish. */
  void retire(String id);

  void remove(String id);

  int inFlight(String id);

  long requests(String id);

  /** Applies the balancer's changed knobs live; throws ConfigException, changing nothing, when it cannot. */
  void reconfigure(BalancerSettings settings);
}
