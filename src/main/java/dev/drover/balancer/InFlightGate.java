package dev.drover.balancer;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code balancer.max_concurrent} and {@code balancer.queue} as counts, apart from any exchange: whether a request
 * runs now, waits for a slot, or is refused. {@link ConcurrencyLimitHandler} parks the waiting exchanges and hands
 * them slots in arrival order; a front with requests of its own can do the same with this gate. Lock-free.
 */
final class InFlightGate {
  /** What becomes of an arriving request. */
  enum Admission {
    /** It holds a slot: run it, and {@link #releaseSlot} when it ends. */
    RUN,
    /** It holds a place in the queue: wait for a slot ({@link #takeSlot}), or {@link #leaveQueue}. */
    WAIT,
    /** Slots and queue are full: 503. */
    REFUSE
  }

  private final AtomicInteger inFlight = new AtomicInteger();
  /** Places taken in the queue, including a waiter about to join it. */
  private final AtomicInteger waiting = new AtomicInteger();

  /**
   * A request arrives. It runs at once only while nobody waits, so that it cannot overtake the queue; it waits while
   * fewer than {@code maxWaiting} do; else it is refused.
   */
  Admission admit(int maxInFlight, int maxWaiting) {
    if (waiting.get() == 0 && take(inFlight, maxInFlight)) {
      return Admission.RUN;
    }
    return take(waiting, maxWaiting) ? Admission.WAIT : Admission.REFUSE;
  }

  /** A slot for the first waiter, if one is free below {@code maxInFlight}; the waiter stays counted as waiting. */
  boolean takeSlot(int maxInFlight) {
    return take(inFlight, maxInFlight);
  }

  /** A request that held a slot ended, or a slot taken for a waiter that had left is given back. */
  void releaseSlot() {
    inFlight.decrementAndGet();
  }

  /** A waiter left the queue: it got a slot, gave up or was refused late. */
  void leaveQueue() {
    waiting.decrementAndGet();
  }

  /** Requests holding a slot. */
  int inFlight() {
    return inFlight.get();
  }

  /** Requests waiting for a slot. */
  int waiting() {
    return waiting.get();
  }

  private static boolean take(AtomicInteger count, int limit) {
    int n;
    do {
      n = count.get();
      if (n >= limit) {
        return false;
      }
    } while (!count.compareAndSet(n, n + 1));
    return true;
  }
}
