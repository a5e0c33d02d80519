package dev.drover.balancer;

import dev.drover.config.BalancerSettings;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.io.IoCallback;
import io.undertow.io.Sender;
import io.undertow.server.Connectors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpContinue;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import io.undertow.util.StatusCodes;
import io.undertow.util.WorkerUtils;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;

/**
 * Reads the start of a chunked request body before anything goes to a backend: 400 when its framing is broken
 * (see {@link ChunkFraming}), 413 when it passes {@code balancer.max_body}, 408 when it does not arrive within
 * {@code balancer.read_timeout}. Undertow's decoder finds broken framing only while the proxy streams the body,
 * after the backend has the request, and then it can only close the connection.
 *
 * <p>A body that ends within {@link #MAX_BUFFERS} buffers (64 KB) is checked whole, so a smuggled second request
 * is refused, never forwarded. A longer one is checked that far and then streamed; Undertow's decoder cuts a
 * broken or oversized rest by closing the connection, and the backend sees a truncated body, never a request the
 * client framed itself. The bytes read are given back, so what the backend gets is what the client sent.
 *
 * <p>An {@code Expect: 100-continue} is answered here, since the body is read here, and not passed on.
 */
final class ChunkedBodyCheck implements HttpHandler, Reconfigurable {
  /** Buffers of the connection's pool (16 KB each) read ahead at most, per request. */
  static final int MAX_BUFFERS = 4;

  private final HttpHandler next;
  private volatile long timeoutMillis;

  ChunkedBodyCheck(BalancerSettings settings, HttpHandler next) {
    this.next = next;
    reconfigure(settings);
  }

  @Override
  public void reconfigure(BalancerSettings settings) {
    timeoutMillis = settings.readTimeout().toMillis();
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    RawRequestBytes raw = exchange.isRequestComplete()
        || !exchange.getRequestHeaders().contains(Headers.TRANSFER_ENCODING) ? null : RawRequestBytes.of(exchange);
    if (raw == null) {
      next.handleRequest(exchange);
      return;
    }
    Reading reading = new Reading(exchange, raw);
    // reading goes on after this call returns: park the exchange first so Undertow does not end it
    exchange.dispatch(SameThreadExecutor.INSTANCE, reading::start);
  }

  /** One body being read ahead; every method runs on the exchange's IO thread. */
  private final class Reading implements IoCallback {
    private final HttpServerExchange exchange;
    private final RawRequestBytes raw;
    private final ChunkFraming framing = new ChunkFraming();
    private final List<PooledByteBuffer> buffers = new ArrayList<>(MAX_BUFFERS);
    private PooledByteBuffer current;
    private XnioExecutor.Key timer;
    private boolean finished;

    Reading(HttpServerExchange exchange, RawRequestBytes raw) {
      this.exchange = exchange;
      this.raw = raw;
    }

    void start() {
      long millis = timeoutMillis;
      if (millis > 0) {
        try {
          timer = WorkerUtils.executeAfter(exchange.getIoThread(), this::timedOut, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
          abandon(); // shutting down
          return;
        }
      }
      if (HttpContinue.requiresContinueResponse(exchange)) {
        HttpContinue.sendContinueResponse(exchange, this); // the client waits for it before sending the body
        return;
      }
      readAvailable();
    }

    @Override
    public void onComplete(HttpServerExchange ex, Sender sender) {
      backOnIoThread(() -> {
        exchange.getRequestHeaders().remove(Headers.EXPECT); // answered: the backend must not be asked again
        readAvailable();
      });
    }

    @Override
    public void onException(HttpServerExchange ex, Sender sender, IOException e) {
      backOnIoThread(this::abandon);
    }

    /**
     * Undertow calls back at once when the 100 went out in one write, else later inside a handler call on a
     * worker thread, and would end the exchange when that call returns: stay parked, carry on on the IO thread.
     */
    private void backOnIoThread(Runnable task) {
      exchange.dispatch(SameThreadExecutor.INSTANCE, () -> {
        try {
          exchange.getIoThread().execute(task);
        } catch (RejectedExecutionException e) {
          IoUtils.safeClose(exchange.getConnection()); // stopping
        }
      });
    }

    private void readAvailable() {
      if (finished) {
        return;
      }
      try {
        while (true) {
          if (current == null) {
            current = raw.allocate();
          }
          ByteBuffer b = current.getBuffer();
          int from = b.position();
          int n = raw.read(b);
          if (n == -1) {
            abandon(); // the client closed its side mid-body
            return;
          }
          if (n == 0) {
            raw.watch(this::readAvailable);
            return;
          }
          ChunkFraming.Result result = framing.feed(b.duplicate().limit(b.position()).position(from));
          long max = BodyLimitHandler.limit(exchange);
          if (result == ChunkFraming.Result.INVALID) {
            refuse(StatusCodes.BAD_REQUEST);
            return;
          }
          if (max > 0 && framing.bodyBytes() > max) {
            refuse(StatusCodes.REQUEST_ENTITY_TOO_LARGE);
            return;
          }
          if (result == ChunkFraming.Result.DONE) {
            proceed();
            return;
          }
          if (!b.hasRemaining()) {
            b.flip();
            buffers.add(current);
            current = null;
            if (buffers.size() == MAX_BUFFERS) {
              proceed(); // checked as far as we read ahead; the rest streams
              return;
            }
          }
        }
      } catch (IOException e) {
        abandon();
      }
    }

    private void timedOut() {
      timer = null;
      if (!finished) {
        refuse(StatusCodes.REQUEST_TIME_OUT);
      }
    }

    private void proceed() {
      finish();
      if (current != null) {
        current.getBuffer().flip();
        buffers.add(current);
        current = null;
      }
      raw.giveBack(buffers);
      buffers.clear();
      Connectors.executeRootHandler(next, exchange);
    }

    /** The rest of the stream cannot be trusted, so the connection closes after the answer. */
    private void refuse(int status) {
      finish();
      release();
      exchange.setPersistent(false);
      Parked.answer(exchange, status);
    }

    /** The client is gone or the connection broke: close it, and end the exchange so its listeners run. */
    private void abandon() {
      finish();
      release();
      IoUtils.safeClose(exchange.getConnection());
      Parked.answer(exchange, StatusCodes.BAD_REQUEST);
    }

    private void finish() {
      finished = true;
      raw.stopWatching();
      if (timer != null) {
        timer.remove();
        timer = null;
      }
    }

    private void release() {
      for (PooledByteBuffer b : buffers) {
        b.close();
      }
      buffers.clear();
      if (current != null) {
        current.close();
        current = null;
      }
    }
  }
}
