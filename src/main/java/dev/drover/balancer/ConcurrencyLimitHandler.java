package dev.drover.balancer;

import dev.drover.config.BalancerSettings;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.Connectors;
import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import io.undertow.util.StatusCodes;
import io.undertow.util.WorkerUtils;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;

/**
 * {@code balancer.max_concurrent} requests in flight to workers, {@code balancer.queue} more waiting in arrival
 * order, and beyond that an immediate 503 with {@code Retry-After: 1}, counted by {@link Metrics#queueRejected()}.
 *
 * <p>A waiting request holds no thread: its exchange is parked, and a finishing request hands its slot to the
 * first waiter, which carries on on its own IO thread. A request waits at most {@code balancer.upstream_timeout}
 * and then gets the same 503. A waiting request without a body whose client closes the connection leaves the
 * queue at once; one with a body stays, since watching the connection would mean reading the body.
 *
 * <p>Counts are atomics and the queue is lock-free. On {@link #reconfigure} a raised limit starts waiters at once;
 * a lowered one lets the requests above it finish and starts no more until below it.
 */
final class ConcurrencyLimitHandler implements HttpHandler, Reconfigurable {
  /** Logged for a waiting request whose client left; nginx's status for it, as no standard one fits. */
  static final int CLIENT_CLOSED = 499;

  private record Limits(int inFlight, int waiting, long waitMillis) {
  }

  private final HttpHandler next;
  private final Metrics metrics;
  private final InFlightGate gate = new InFlightGate();
  private final ConcurrentLinkedQueue<Waiter> queue = new ConcurrentLinkedQueue<>();
  private final ExchangeCompletionListener releaseOnEnd = (exchange, nextListener) -> {
    try {
      release();
    } finally {
      nextListener.proceed();
    }
  };
  private volatile Limits limits;

  ConcurrencyLimitHandler(BalancerSettings settings, Metrics metrics, HttpHandler next) {
    this.next = next;
    this.metrics = metrics;
    reconfigure(settings);
  }

  @Override
  public void reconfigure(BalancerSettings settings) {
    limits = new Limits(settings.maxConcurrent(), settings.queue(), settings.upstreamTimeout().toMillis());
    startWaiters();
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    Limits l = limits;
    // nobody waiting is the common case: then no queue is touched at all
    switch (gate.admit(l.inFlight(), l.waiting())) {
      case RUN -> {
        exchange.addExchangeCompleteListener(releaseOnEnd);
        next.handleRequest(exchange);
        return;
      }
      case REFUSE -> {
        metrics.queueRejected();
        refuse(exchange);
        exchange.endExchange();
        return;
      }
      case WAIT -> { }
    }
    Waiter waiter = new Waiter(exchange);
    // joins the queue once this call has returned, so no other thread can resume the exchange while inside it
    exchange.dispatch(SameThreadExecutor.INSTANCE, () -> waiter.park(l.waitMillis()));
  }

  /**
   * For a front with requests of its own: a slot now, or false when the request would wait or be refused, which
   * this handler then decides as for any request. A true must be paired with one {@link #release}.
   */
  boolean tryRun() {
    Limits l = limits;
    return switch (gate.admit(l.inFlight(), l.waiting())) {
      case RUN -> true;
      case WAIT -> {
        gate.leaveQueue();
        yield false;
      }
      case REFUSE -> false;
    };
  }

  /** Requests holding a slot. */
  int inFlight() {
    return gate.inFlight();
  }

  /** Requests waiting for a slot. */
  int waiting() {
    return gate.waiting();
  }

  private static void refuse(HttpServerExchange exchange) {
    exchange.setStatusCode(StatusCodes.SERVICE_UNAVAILABLE);
    exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
  }

  /** A request that held a slot ended: the slot goes to the first waiter, if any. */
  void release() {
    gate.releaseSlot();
    startWaiters();
  }

  /**
   * Hands free slots to waiters, first come first served. Called after every release and every join: whichever
   * of the two comes last sees both the free slot and the waiter, so none is left behind.
   */
  private void startWaiters() {
    while (!queue.isEmpty() && gate.takeSlot(limits.inFlight())) {
      Waiter w = queue.poll();
      if (w != null && w.claim()) {
        gate.leaveQueue();
        w.start();
      } else {
        gate.releaseSlot(); // it left meanwhile; look again
      }
    }
  }

  /** A parked request. Timer and watch are touched only on the exchange's IO thread. */
  private final class Waiter implements ExchangeCompletionListener {
    private static final int WAITING = 0;
    private static final int STARTED = 1;
    private static final int LEFT = 2;

    private final HttpServerExchange exchange;
    private final AtomicInteger state = new AtomicInteger(WAITING);
    private XnioExecutor.Key timer;
    private RawRequestBytes watch;

    Waiter(HttpServerExchange exchange) {
      this.exchange = exchange;
    }

    void park(long waitMillis) {
      exchange.addExchangeCompleteListener(this);
      if (waitMillis > 0) {
        try {
          timer = WorkerUtils.executeAfter(exchange.getIoThread(), this::expire, waitMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
          timer = null; // stopping: the threads are going away with the connection
        }
      }
      if (exchange.isRequestComplete()) {
        watch = RawRequestBytes.of(exchange);
        if (watch != null) {
          watch.watch(this::clientReadable);
        }
      }
      queue.add(this);
      startWaiters();
    }

    boolean claim() {
      return state.compareAndSet(WAITING, STARTED);
    }

    /** Any thread: the slot is this request's now. */
    void start() {
      try {
        exchange.getIoThread().execute(this::run);
      } catch (RejectedExecutionException e) {
        IoUtils.safeClose(exchange.getConnection()); // stopping: no thread is left to serve it
      }
    }

    private void run() {
      stopWaiting();
      Connectors.executeRootHandler(next, exchange);
    }

    private void expire() {
      timer = null;
      if (leave()) {
        metrics.queueRejected();
        refuse(exchange);
        Parked.answer(exchange, StatusCodes.SERVICE_UNAVAILABLE);
      }
    }

    /**
     * The connection has something to read while the request waits: the end of the stream when the client left,
     * or the next pipelined request, which is given back and ends the watch (a client that sends is there).
     */
    private void clientReadable() {
      PooledByteBuffer b = watch.allocate();
      boolean kept = false;
      try {
        int n = watch.read(b.getBuffer());
        if (n == 0) {
          return;
        }
        if (n > 0) {
          b.getBuffer().flip();
          watch.stopWatching();
          watch.giveBack(List.of(b));
          watch = null;
          kept = true;
          return;
        }
      } catch (IOException e) {
        // reset by the client: gone just the same
      } finally {
        if (!kept) {
          b.close();
        }
      }
      if (leave()) {
        IoUtils.safeClose(exchange.getConnection());
        Parked.answer(exchange, CLIENT_CLOSED);
      }
    }

    /** Out of the queue for good, unless a slot was handed over first. */
    private boolean leave() {
      if (!state.compareAndSet(WAITING, LEFT)) {
        return false;
      }
      queue.remove(this);
      gate.leaveQueue();
      stopWaiting();
      return true;
    }

    private void stopWaiting() {
      if (timer != null) {
        timer.remove();
        timer = null;
      }
      if (watch != null) {
        watch.stopWatching();
        watch = null;
      }
    }

    @Override
    public void exchangeEvent(HttpServerExchange ex, NextListener nextListener) {
      try {
        if (state.get() == STARTED) {
          release();
        } else {
          leave();
        }
      } finally {
        nextListener.proceed();
      }
    }
  }
}
