package dev.drover.balancer;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.xnio.IoFuture;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;

/**
 * The backends the balancer knows and the rotation it picks from. Changes are rare and take the monitor;
 * the request path only reads the two volatile arrays, which are replaced, never changed in place.
 */
final class BackendPool {
  static final Backend[] NONE = {};
  static final int PROBE_TIMEOUT_MILLIS = 1_000;
  private static final System.Logger LOG = System.getLogger(BackendPool.class.getName());

  private final Strategy strategy;
  private final int ioThreads;
  private final BackendListener listener;
  private final Executor events;
  /** Every known backend in admission order, whatever its state. */
  private volatile Backend[] all = NONE;
  /** The backends in rotation: the routable ones. */
  private volatile Backend[] rotation = NONE;
  private volatile boolean closed;

  BackendPool(Strategy strategy, int ioThreads, BackendListener listener, Executor events) {
    this.strategy = strategy;
    this.ioThreads = ioThreads;
    this.listener = Objects.requireNonNull(listener, "listener");
    this.events = events;
  }

  /** Puts a backend in rotation; a known id is put back (after retire or failure) if its address is unchanged. */
  synchronized void admit(String id, URI uri) {
    Objects.requireNonNull(id, "id");
    Backend.check(uri);
    Backend known = find(id);
    if (known == null) {
      Backend[] next = new Backend[all.length + 1];
      System.arraycopy(all, 0, next, 0, all.length);
      next[all.length] = new Backend(id, uri, ioThreads);
      all = next;
    } else if (known.uri().equals(uri)) {
      known.state(Backend.State.ACTIVE);
    } else {
      throw new IllegalArgumentException("backend " + id + " is at " + known.uri() + "; remove it before admitting it at "
          + uri);
    }
    rebuild();
  }

  /** Takes a backend out of rotation; requests already sent to it finish. Unknown ids are ignored. */
  synchronized void retire(String id) {
    Backend b = find(id);
    if (b != null) {
      b.state(Backend.State.RETIRED);
      rebuild();
    }
  }

  /** Forgets a backend and closes its idle connections; in-flight requests finish on theirs. */
  void remove(String id) {
    Backend gone;
    synchronized (this) {
      gone = find(id);
      if (gone == null) {
        return;
      }
      gone.state(Backend.State.RETIRED);
      List<Backend> rest = new ArrayList<>(List.of(all));
      rest.remove(gone);
      all = rest.toArray(NONE);
      rebuild();
    }
    gone.connections().close();
  }

  /**
   * Closes every backend's connections for shutdown. Failures seen from now on are the shutdown's own doing
   * and are not reported.
   */
  void close() {
    closed = true;
    for (Backend b : all) {
      b.connections().close();
    }
  }

  Backend find(String id) {
    for (Backend b : all) {
      if (b.id().equals(id)) {
        return b;
      }
    }
    return null;
  }

  List<String> ids() {
    List<String> ids = new ArrayList<>();
    for (Backend b : all) {
      ids.add(b.id());
    }
    return List.copyOf(ids);
  }

  /**
   * Picks a backend not in {@code avoid} and counts the request on it, or returns null. The count is taken
   * before the state is checked again, so once {@link #retire} has returned no new request can reach the
   * retired backend without having been counted in its in-flight figure first.
   */
  Backend select(Backend[] avoid) {
    Backend b;
    while ((b = strategy.pick(rotation, avoid)) != null) {
      b.enter();
      if (b.routable()) {
        return b;
      }
      b.leave();
    }
    return null;
  }

  /** Takes a backend out of rotation at once and tells the listener, once per failure. */
  void fail(Backend b, String reason) {
    synchronized (this) {
      if (closed || b.state() != Backend.State.ACTIVE || find(b.id()) != b) {
        return;
      }
      b.state(Backend.State.FAILED);
      rebuild();
    }
    LOG.log(System.Logger.Level.WARNING, "backend {0} {1}; out of rotation", b.id(), reason);
    events.execute(() -> listener.backendFailed(b.id(), reason));
  }

  /**
   * A connection to {@code b} broke under a request. That alone may be a keep-alive connection the worker
   * closed as it went idle, so the backend is only failed if it also refuses a fresh connection.
   */
  void probe(Backend b, XnioIoThread thread) {
    if (closed || !b.routable() || !b.startProbe()) {
      return;
    }
    IoFuture<StreamConnection> future;
    try {
      future = thread.openStreamConnection(b.address(), null, OptionMap.EMPTY);
    } catch (RuntimeException e) {
      b.endProbe();
      return;
    }
    future.addNotifier((done, backend) -> {
      backend.endProbe();
      if (done.getStatus() == IoFuture.Status.DONE) {
        try {
          IoUtils.safeClose(done.get());
        } catch (java.io.IOException ignored) {
          // DONE means get() returns at once; nothing to close otherwise
        }
      } else if (done.getStatus() == IoFuture.Status.FAILED) {
        fail(backend, "dropped a request and refused a new connection (" + done.getException().getMessage() + ")");
      }
    }, b);
  }

  /**
   * As {@link #probe(Backend, XnioIoThread)}, for a front without XNIO threads: a plain connect on the events thread,
   * given {@link #PROBE_TIMEOUT_MILLIS} (a worker on this host accepts at once or refuses).
   */
  void probe(Backend b) {
    if (closed || !b.routable() || !b.startProbe()) {
      return;
    }
    events.execute(() -> {
      try (java.net.Socket s = new java.net.Socket()) {
        s.connect(b.address(), PROBE_TIMEOUT_MILLIS);
      } catch (java.io.IOException e) {
        fail(b, "dropped a request and refused a new connection (" + e.getMessage() + ")");
      } finally {
        b.endProbe();
      }
    });
  }

  private void rebuild() {
    List<Backend> routable = new ArrayList<>();
    for (Backend b : all) {
      if (b.routable()) {
        routable.add(b);
      }
    }
    rotation = routable.toArray(NONE);
  }
}
