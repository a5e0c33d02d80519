package dev.drover.balancer;

import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.UndertowClient;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.XnioIoThread;

/**
 * Keep-alive connections to one backend. An Undertow client connection belongs to one IO thread, so there is
 * one slot per IO thread and a slot is only ever touched on its own thread: no locks, and a request never
 * waits for another thread's connection.
 */
final class ConnectionPool {
  /** Connections per IO thread: with a blocking worker of 64 threads, 64 per thread keeps it fed. */
  static final int CONNECTIONS_PER_THREAD = 64;
  /** Requests per IO thread waiting for a connection; beyond it the request goes to another backend. */
  static final int QUEUE_PER_THREAD = 1024;
  /** Small requests must not sit behind Nagle's algorithm on a loopback hop. */
  private static final OptionMap OPTIONS = OptionMap.create(Options.TCP_NODELAY, true);

  private final Backend owner;
  private final URI uri;
  private final UndertowClient client = UndertowClient.getInstance();
  private final AtomicReferenceArray<Slot> slots;
  private volatile boolean closed;

  ConnectionPool(Backend owner, URI uri, int ioThreads) {
    this.owner = owner;
    this.uri = uri;
    this.slots = new AtomicReferenceArray<>(ioThreads);
  }

  /** Finds or opens a connection for the attempt, on the exchange's IO thread; the answer goes to the attempt. */
  void acquire(Attempt attempt) {
    slot(attempt.exchange().getIoThread()).acquire(attempt);
  }

  /** Gives a connection back when its exchange is over; from any thread. */
  void release(ClientConnection connection) {
    XnioIoThread thread = connection.getIoThread();
    if (Thread.currentThread() == thread) {
      slot(thread).release(connection);
    } else {
      run(thread, () -> slot(thread).release(connection));
    }
  }

  /**
   * {@code connection} was upgraded (101) and now carries a tunnel that is not ours to reuse or count; {@code closed}
   * runs once when it closes. From any thread.
   */
  void tunnel(ClientConnection connection, Runnable closed) {
    XnioIoThread thread = connection.getIoThread();
    Runnable hand = () -> slot(thread).tunnel(connection, closed);
    if (Thread.currentThread() == thread) {
      hand.run();
    } else {
      run(thread, hand);
    }
  }

  /** Stops handing out connections: idle ones are closed now, busy ones when they come back. */
  void close() {
    closed = true;
    for (int i = 0; i < slots.length(); i++) {
      Slot slot = slots.get(i);
      if (slot != null) {
        run(slot.thread, slot::close);
      }
    }
  }

  private Slot slot(XnioIoThread thread) {
    int n = thread.getNumber();
    Slot slot = slots.get(n);
    if (slot == null) {
      // only thread n creates slot n, so there is no race to lose
      slot = new Slot(thread);
      slots.set(n, slot);
    }
    return slot;
  }

  private static void run(XnioIoThread thread, Runnable task) {
    try {
      thread.execute(task);
    } catch (RejectedExecutionException e) {
      // the IO thread is shutting down and closes its connections itself
    }
  }

  /** The connections of one IO thread. */
  private final class Slot {
    final XnioIoThread thread;
    /** Most recently used first, so spare connections age out at the far end. */
    final ArrayDeque<ClientConnection> idle = new ArrayDeque<>();
    final ArrayDeque<Attempt> waiting = new ArrayDeque<>();
    /** Connections open or being opened. */
    int open;

    Slot(XnioIoThread thread) {
      this.thread = thread;
    }

    void acquire(Attempt attempt) {
      if (closed) {
        attempt.rejected();
        return;
      }
      ClientConnection c;
      while ((c = idle.pollFirst()) != null) {
        if (c.isOpen()) {
          hand(c, attempt);
          return;
        }
      }
      if (open < CONNECTIONS_PER_THREAD) {
        connect(attempt);
      } else if (waiting.size() < QUEUE_PER_THREAD) {
        waiting.addLast(attempt);
      } else {
        attempt.rejected();
      }
    }

    void release(ClientConnection c) {
      if (c.isUpgraded()) {
        // now a tunnel owned by the upgraded exchange: no longer ours to count or reuse
        c.getCloseSetter().set(null);
        open--;
        return;
      }
      if (closed || !c.isOpen()) {
        IoUtils.safeClose(c); // the close listener does the counting
        return;
      }
      Attempt next = nextWaiting();
      if (next != null) {
        hand(c, next);
      } else {
        idle.addFirst(c);
      }
    }

    void tunnel(ClientConnection c, Runnable onClose) {
      open--;
      java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
      c.getCloseSetter().set(ch -> {
        if (once.compareAndSet(false, true)) {
          onClose.run();
        }
      });
      if (!c.isOpen() && once.compareAndSet(false, true)) {
        onClose.run(); // closed before the listener was in place
      }
    }

    void close() {
      ClientConnection c;
      while ((c = idle.pollFirst()) != null) {
        IoUtils.safeClose(c);
      }
      rejectWaiting();
    }

    private void connect(Attempt attempt) {
      open++;
      try {
        client.connect(new ClientCallback<>() {
          @Override
          public void completed(ClientConnection c) {
            c.getCloseSetter().set(ch -> closed(c));
            hand(c, attempt);
          }

          @Override
          public void failed(IOException e) {
            open--;
            // the attempt fails the backend first, so what is queued here then goes elsewhere
            attempt.connectFailed(owner, e);
            rejectWaiting();
          }
        }, null, uri, thread, null, attempt.exchange().getConnection().getByteBufferPool(), OPTIONS);
      } catch (RuntimeException e) {
        open--;
        attempt.connectFailed(owner, new IOException(e));
      }
    }

    private void hand(ClientConnection c, Attempt attempt) {
      if (!attempt.connected(c)) {
        release(c);
      }
    }

    private void closed(ClientConnection c) {
      open--;
      idle.remove(c);
      if (!closed && open < CONNECTIONS_PER_THREAD) {
        Attempt next = nextWaiting();
        if (next != null) {
          connect(next);
        }
      }
    }

    private Attempt nextWaiting() {
      Attempt a;
      while ((a = waiting.pollFirst()) != null) {
        if (a.wantsConnection()) {
          return a;
        }
      }
      return null;
    }

    private void rejectWaiting() {
      Attempt a;
      while ((a = nextWaiting()) != null) {
        a.rejected();
      }
    }
  }
}
