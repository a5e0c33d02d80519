package dev.drover.balancer;

/**
 * Told when a backend stops answering at the connection level, so its owner can check it and replace it.
 * The backend is already out of rotation when this is called. Calls arrive one at a time on the balancer's
 * own event thread, never on a network thread, and at most once per failure: a backend is reported again
 * only after it has been admitted again.
 */
@FunctionalInterface
public interface BackendListener {

  /** {@code reason} is one short lowercase line such as "refused a connection (Connection refused)". */
  void backendFailed(String id, String reason);
}
