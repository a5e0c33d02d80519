package dev.drover.balancer;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The balancer's counters, written on the request path (lock-free adders) and read by the metrics endpoint.
 * Protection handlers count what they refuse here, so {@code /metrics} shows an attack as it happens.
 */
public final class Metrics {
  /** Upper bounds of the latency histogram, in seconds (Prometheus {@code le} labels). */
  static final double[] LATENCY_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  /** Indexed by status code (Undertow allows 0 to 999), each made on first use: no boxing per response. */
  private final AtomicReferenceArray<LongAdder> responsesByStatus = new AtomicReferenceArray<>(1000);
  private final LongAdder[] latencyBuckets = new LongAdder[LATENCY_BUCKETS.length + 1];
  private final LongAdder latencySumNanos = new LongAdder();
  private final LongAdder rateLimited = new LongAdder();
  private final LongAdder queueRejected = new LongAdder();
  private final LongAdder connectionsRejected = new LongAdder();
  private final LongAdder handedOver = new LongAdder();
  private final LongAdder inFlight = new LongAdder();
  private final LongAdder adminUnauthorized = new LongAdder();
  private static final int MAX_LIMITED_CLIENTS = 10_000;
  private final AtomicReference<Map<InetAddress, LongAdder>> limitedClients = new AtomicReference<>(new ConcurrentHashMap<>());
  private final LongAdder adminForbidden = new LongAdder();

  public Metrics() {
    for (int i = 0; i < latencyBuckets.length; i++) {
      latencyBuckets[i] = new LongAdder();
    }
  }

  /** A response sent to a client, whoever produced it (a worker or the balancer itself). */
  void response(int status, long nanos) {
    responsesFor(status).increment();
    latencySumNanos.add(nanos);
    double seconds = nanos / 1e9;
    int i = 0;
    while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]) {
      i++;
    }
    latencyBuckets[i].increment();
  }

  /** A request refused with 429 by a rate limit. */
  void rateLimited() {
    rateLimited.increment();
  }

  /** A request of {@code client} refused with 429 by a rate limit; the client is remembered for the dashboard. */
  void rateLimited(InetAddress client) {
    rateLimited.increment();
    Map<InetAddress, LongAdder> clients = limitedClients.get();
    // A flood from many addresses must not grow this without bound: past the cap only known ones count.
    LongAdder n = clients.size() < MAX_LIMITED_CLIENTS ? clients.computeIfAbsent(client, k -> new LongAdder())
        : clients.get(client);
    if (n != null) {
      n.increment();
    }
  }

  /**
   * The clients refused by a rate limit since the last call, with their counts; approximate under a race
   * with the refusals themselves, which is all a "who is being limited" view needs.
   */
  public Map<InetAddress, Long> takeRateLimitedClients() {
    Map<InetAddress, LongAdder> taken = limitedClients.getAndSet(new ConcurrentHashMap<>());
    Map<InetAddress, Long> out = new java.util.HashMap<>();
    taken.forEach((client, n) -> out.put(client, n.sum()));
    return out;
  }

  /** A request refused with 503 because max_concurrent and the queue were full. */
  void queueRejected() {
    queueRejected.increment();
  }

  /** A connection refused because its address had max_connections_per_ip open already. */
  void connectionRejected() {
    connectionsRejected.increment();
  }

  /** A connection the fast path gave to the Undertow path (a request it does not take itself). */
  void handedOver() {
    handedOver.increment();
  }

  /** Connections the fast path gave to the Undertow path so far. */
  public long handedOverCount() {
    return handedOver.sum();
  }

  void requestStarted() {
    inFlight.increment();
  }

  void requestEnded() {
    inFlight.decrement();
  }

  /** A request to the admin listener refused: 401 (no or unknown credentials) or 403 (a wrong token). */
  public void adminRefused(int status) {
    (status == 401 ? adminUnauthorized : adminForbidden).increment();
  }

  /** Admin requests refused with this status (401 or 403) so far. */
  public long adminRefusedCount(int status) {
    return (status == 401 ? adminUnauthorized : adminForbidden).sum();
  }

  public long rateLimitedCount() {
    return rateLimited.sum();
  }

  public long queueRejectedCount() {
    return queueRejected.sum();
  }

  public long connectionsRejectedCount() {
    return connectionsRejected.sum();
  }

  public long inFlightCount() {
    return inFlight.sum();
  }

  /** Responses by status code so far. */
  public Map<Integer, Long> responses() {
    Map<Integer, Long> out = new java.util.TreeMap<>();
    for (int status = 0; status < responsesByStatus.length(); status++) {
      LongAdder n = responsesByStatus.get(status);
      if (n != null) {
        out.put(status, n.sum());
      }
    }
    return out;
  }

  private LongAdder responsesFor(int status) {
    // Undertow refuses other codes; should one get here anyway, it is counted as 0 rather than thrown on an IO thread
    int i = status >= 0 && status < responsesByStatus.length() ? status : 0;
    LongAdder n = responsesByStatus.get(i);
    if (n == null) {
      responsesByStatus.compareAndSet(i, null, new LongAdder());
      n = responsesByStatus.get(i);
    }
    return n;
  }

  /** The upper bounds, in seconds, of the latency buckets, smallest first. */
  public static double[] latencyBounds() {
    return LATENCY_BUCKETS.clone();
  }

  /** Responses per latency bucket, not cumulative; the last entry counts those above the largest bound. */
  public long[] latencyCounts() {
    long[] out = new long[latencyBuckets.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = latencyBuckets[i].sum();
    }
    return out;
  }

  double latencySumSeconds() {
    return latencySumNanos.sum() / 1e9;
  }
}
