package dev.drover.balancer;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** One worker the balancer may send requests to: its address, its state, its counters and its connections. */
final class Backend {

  enum State {
    /** In rotation. */
    ACTIVE,
    /** Out of rotation on request; requests already sent finish. */
    RETIRED,
    /** Out of rotation because it refused or dropped connections; reported to the listener. */
    FAILED
  }

  private final String id;
  private final URI uri;
  private final InetSocketAddress address;
  private final ConnectionPool connections;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final LongAdder served = new LongAdder();
  private final AtomicBoolean probing = new AtomicBoolean();
  private volatile State state = State.ACTIVE;

  Backend(String id, URI uri, int ioThreads) {
    this.id = id;
    this.uri = uri;
    this.address = new InetSocketAddress(uri.getHost(), uri.getPort());
    this.connections = new ConnectionPool(this, uri, ioThreads); // keeps the reference only
  }

  /** Accepts only what a worker listens on: {@code http://host:port} with nothing after the port. */
  static URI check(URI uri) {
    if (uri == null || !"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1
        || (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
        || uri.getRawQuery() != null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("backend must be http://host:port, not " + uri);
    }
    return uri;
  }

  String id() {
    return id;
  }

  URI uri() {
    return uri;
  }

  InetSocketAddress address() {
    return address;
  }

  ConnectionPool connections() {
    return connections;
  }

  State state() {
    return state;
  }

  void state(State state) {
    this.state = state;
  }

  boolean routable() {
    return state == State.ACTIVE;
  }

  int inFlight() {
    return inFlight.get();
  }

  void enter() {
    inFlight.incrementAndGet();
  }

  void leave() {
    inFlight.decrementAndGet();
  }

  void served() {
    served.increment();
  }

  long requests() {
    return served.sum();
  }

  /** At most one connection probe runs per backend; {@code false} when one is already under way. */
  boolean startProbe() {
    return probing.compareAndSet(false, true);
  }

  void endProbe() {
    probing.set(false);
  }

  @Override
  public String toString() {
    return id + "@" + uri.getHost() + ":" + uri.getPort() + "(" + state + ")";
  }
}
