package dev.drover.balancer;

import io.undertow.client.ClientConnection;
import io.undertow.server.ConduitWrapper;
import io.undertow.server.DefaultResponseListener;
import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.proxy.ProxyCallback;
import io.undertow.server.handlers.proxy.ProxyConnection;
import io.undertow.util.AttachmentKey;
import io.undertow.util.ConduitFactory;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import io.undertow.util.WorkerUtils;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;
import org.xnio.conduits.StreamSinkConduit;

/**
 * One request on its way to a backend: which backend holds it, which were tried, and how it ended.
 *
 * <p>Undertow's {@code ProxyHandler} asks for a connection through {@link #route}, again after each failed try,
 * and answers every failure it gives up on with a bare 503 (or 500). This object knows why, so as the
 * exchange's default response listener it turns those into 502 (a backend broke), 504 (too slow) or 503 with
 * {@code Retry-After} (nobody to ask). Everything here runs on the exchange's IO thread.
 */
final class Attempt implements ExchangeCompletionListener, DefaultResponseListener, Runnable,
    ConduitWrapper<StreamSinkConduit> {
  static final AttachmentKey<Attempt> KEY = AttachmentKey.create(Attempt.class);
  /** Outgoing paths are the client's path as is; the backend URI has none. */
  private static final String TARGET_PATH = "/";

  private final HttpServerExchange exchange;
  private final BackendPool pool;
  private ProxyCallback<ProxyConnection> handler;
  /** Holds one in-flight count while set. */
  private Backend backend;
  /** Leased from the backend's pool while set. */
  private ClientConnection connection;
  private Backend[] tried = BackendPool.NONE;
  /** The last backend tried, kept past the end of the exchange for the access log. */
  private String backendId;
  /** A backend refused or dropped this request. */
  private boolean failed;
  private boolean timedOut;
  /** The response is ours (an error page), not the backend's. */
  private boolean answered;
  private boolean done;
  private XnioExecutor.Key timer;

  Attempt(HttpServerExchange exchange, BackendPool pool) {
    this.exchange = exchange;
    this.pool = pool;
  }

  HttpServerExchange exchange() {
    return exchange;
  }

  /** The id of the backend last tried, null when none was. */
  String backendId() {
    return backendId;
  }

  /** Gives the backend this long to start its response; the timer dies with the exchange. */
  void startTimer(long millis) {
    timer = WorkerUtils.executeAfter(exchange.getIoThread(), this, millis, TimeUnit.MILLISECONDS);
  }

  /** The proxy wants a connection: for the first try, or for the next one after a failure. */
  void route(ProxyCallback<ProxyConnection> handler) {
    this.handler = handler;
    if (backend != null) {
      abandon();
    }
    if (done) {
      return; // answered already; asking the proxy to answer again would close the client's connection
    }
    if (timedOut) {
      handler.couldNotResolveBackend(exchange);
      return;
    }
    Backend next = pool.select(tried);
    if (next == null && tried.length > 0) {
      // a lone backend may have dropped only a stale keep-alive connection: one more try on a fresh one
      next = pool.select(BackendPool.NONE);
    }
    if (next == null) {
      handler.couldNotResolveBackend(exchange);
      return;
    }
    backend = next;
    backendId = next.id();
    next.connections().acquire(this);
  }

  /** Still waiting for a connection from a pool. */
  boolean wantsConnection() {
    return !done && !timedOut;
  }

  /** The pool has a connection for us; false when we no longer want it and the pool keeps it. */
  boolean connected(ClientConnection c) {
    if (!wantsConnection()) {
      return false;
    }
    connection = c;
    boolean trustedPort = exchange.getRequestHeaders().contains(Headers.X_FORWARDED_PORT); // untrusted ones are gone
    handler.completed(exchange, new ProxyConnection(new TrimmedConnection(c, trustedPort), TARGET_PATH));
    return true;
  }

  /** {@code refusing} is named by the pool: by now this attempt may have moved on or finished. */
  void connectFailed(Backend refusing, IOException e) {
    pool.fail(refusing, "refused a connection (" + e.getMessage() + ")");
    if (wantsConnection()) {
      failed = true;
      handler.failed(exchange);
    }
  }

  /** The pool is full or closed; not the backend's fault, so the next try goes elsewhere without blame. */
  void rejected() {
    if (wantsConnection()) {
      handler.queuedRequestFailed(exchange);
    }
  }

  /**
   * Upstream timeout: the answer becomes a 504. Closing a client connection drains it first, so the proxy may
   * hear of the failure only later and then closes the client's connection; making this exchange the last
   * on that connection keeps the late close from cutting a following request.
   */
  @Override
  public void run() {
    timer = null;
    if (done || exchange.isResponseStarted()) {
      return;
    }
    timedOut = true;
    exchange.setPersistent(false);
    if (connection != null) {
      IoUtils.safeClose(connection);
    }
    if (!done && !exchange.isResponseStarted()) {
      // still queued or connecting: nothing else will end it
      exchange.setStatusCode(StatusCodes.GATEWAY_TIME_OUT);
      exchange.endExchange();
    }
  }

  @Override
  public boolean handleDefaultResponse(HttpServerExchange ex) {
    if (ex.isResponseStarted()) {
      return false;
    }
    answered = true;
    if (Boolean.TRUE.equals(ex.getAttachment(BodyLimitHandler.TOO_LARGE))) {
      ex.setPersistent(false);
      ex.setStatusCode(StatusCodes.REQUEST_ENTITY_TOO_LARGE);
    } else if (timedOut) {
      ex.setStatusCode(StatusCodes.GATEWAY_TIME_OUT);
    } else if (connection != null || failed) {
      if (connection != null) {
        // the proxy gave up on a connection that broke without asking for another
        dropConnection();
      }
      ex.setStatusCode(StatusCodes.BAD_GATEWAY);
    } else if (ex.getStatusCode() == StatusCodes.SERVICE_UNAVAILABLE) {
      ex.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
    }
    return false; // the error page handler further out writes the body
  }

  /**
   * The client's streamed body passed {@code max_body}: the backend connection, which has part of it, is closed
   * (no fault of the backend's, so no probe), and the proxy's failure that follows is answered 413.
   */
  void bodyTooLarge() {
    if (connection != null && !exchange.isResponseStarted()) {
      ClientConnection c = connection;
      connection = null;
      answered = true;
      IoUtils.safeClose(c);
    }
  }

  /**
   * Runs when the response starts, after the proxy copied the backend's status and headers. {@code Connection} is
   * hop-by-hop: a worker closing its connection to us is no reason to close the client's. And Undertow's client
   * takes an interim answer other than 100 or 101 (such as 103 Early Hints) for the final one and would leave the
   * real answer unread on the connection, for the next request to receive: that connection is closed instead,
   * and the client gets 502.
   */
  @Override
  public StreamSinkConduit wrap(ConduitFactory<StreamSinkConduit> factory, HttpServerExchange ex) {
    int status = ex.getStatusCode();
    if (status != StatusCodes.SWITCHING_PROTOCOLS) {
      ex.getResponseHeaders().remove(Headers.CONNECTION);
      ex.getResponseHeaders().remove(Headers.KEEP_ALIVE);
    }
    if (status > StatusCodes.SWITCHING_PROTOCOLS && status < StatusCodes.OK && connection != null) {
      ClientConnection c = connection;
      connection = null;
      IoUtils.safeClose(c);
      String id = ex.getResponseHeaders().getFirst(RequestIdHandler.HEADER);
      ex.getResponseHeaders().clear();
      if (id != null) {
        ex.getResponseHeaders().put(RequestIdHandler.HEADER, id);
      }
      ex.getResponseHeaders().put(Headers.CONTENT_LENGTH, 0);
      ex.setStatusCode(StatusCodes.BAD_GATEWAY);
      answered = true;
    }
    return factory.create();
  }

  @Override
  public void exchangeEvent(HttpServerExchange ex, NextListener next) {
    done = true;
    if (timer != null) {
      timer.remove();
      timer = null;
    }
    if (backend != null) {
      if (connection != null && !answered && ex.getStatusCode() == StatusCodes.SWITCHING_PROTOCOLS) {
        // a tunnel now (a WebSocket): it stays in flight on its backend until it closes, so that a reload drains
        // it like a request before it stops the worker
        backend.served();
        backend.connections().tunnel(connection, backend::leave);
        connection = null;
        backend = null;
        next.proceed();
        return;
      }
      if (connection != null) {
        if (!answered) {
          backend.served();
        }
        backend.connections().release(connection);
        connection = null;
      }
      backend.leave();
      backend = null;
    }
    next.proceed();
  }

  /** The try on {@link #backend} broke; forget it and count it as tried. */
  private void abandon() {
    if (connection != null) {
      dropConnection();
    }
    backend.leave();
    tried = Arrays.copyOf(tried, tried.length + 1);
    tried[tried.length - 1] = backend;
    backend = null;
  }

  /**
   * Lets go of a connection that broke under this request. It is closed later on its own thread: we are
   * usually inside the client's failure callback, and closing there fails the same request a second time,
   * which would send it to yet another backend while the retry is already under way.
   */
  private void dropConnection() {
    if (!timedOut) {
      failed = true;
      pool.probe(backend, exchange.getIoThread());
    }
    ClientConnection c = connection;
    connection = null;
    try {
      c.getIoThread().execute(() -> IoUtils.safeClose(c));
    } catch (RejectedExecutionException e) {
      IoUtils.safeClose(c); // shutting down: no callback is coming any more
    }
  }
}
