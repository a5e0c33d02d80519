package dev.drover.balancer;

import dev.drover.config.BalancerSettings;
import io.undertow.server.ConduitWrapper;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.xnio.channels.StreamSinkChannel;
import java.nio.channels.FileChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitReadableByteChannel;
import org.xnio.conduits.Conduits;
import org.xnio.conduits.StreamSourceConduit;

/**
 * {@code balancer.max_body}: a declared body above the limit gets 413 before anything reaches a backend, and
 * the connection is closed rather than read to its end. A chunked body is measured by {@link ChunkedBodyCheck}
 * (413 with an answer while it reads ahead) and by {@link Watch} past that, while the body streams to the backend:
 * the answer is 413 as well, and the connection closes.
 */
final class BodyLimitHandler implements HttpHandler, Reconfigurable {
  /** Set on an exchange whose streamed body passed {@code max_body}, so the failed proxying answers 413. */
  static final AttachmentKey<Boolean> TOO_LARGE = AttachmentKey.create(Boolean.class);
  /** {@code max_body} for a streamed (chunked) body, enforced by {@link Watch} and {@link ChunkedBodyCheck}. */
  private static final AttachmentKey<Long> LIMIT = AttachmentKey.create(Long.class);
  private static final ConduitWrapper<StreamSourceConduit> WATCH = (factory, exchange) -> new Watch(factory.create(), exchange);
  private final HttpHandler next;
  private volatile long maxBytes;

  BodyLimitHandler(BalancerSettings settings, HttpHandler next) {
    this.next = next;
    reconfigure(settings);
  }

  @Override
  public void reconfigure(BalancerSettings settings) {
    maxBytes = settings.maxBody().bytes();
  }

  /** The body limit of {@code exchange}, 0 or less for none. */
  static long limit(HttpServerExchange exchange) {
    Long streamed = exchange.getAttachment(LIMIT);
    return streamed != null ? streamed : exchange.getMaxEntitySize();
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    long max = maxBytes;
    switch (Verdicts.body(exchange.getRequestContentLength(), exchange.isRequestComplete(), max)) {
      case TOO_LARGE -> {
        exchange.setPersistent(false);
        exchange.getResponseHeaders().put(Headers.CONNECTION, Headers.CLOSE.toString());
        exchange.setStatusCode(StatusCodes.REQUEST_ENTITY_TOO_LARGE);
        exchange.endExchange();
        return;
      }
      case COUNT -> {
        // not Undertow's limit: its decoder closes the client's connection without an answer when it passes
        exchange.putAttachment(LIMIT, max);
        exchange.addRequestWrapper(WATCH);
      }
      case WITHIN -> exchange.setMaxEntitySize(max);
      case UNLIMITED -> { }
    }
    next.handleRequest(exchange);
  }

  /**
   * Counts a streamed body as the proxy reads it. When it passes the limit the read reports nothing more, the backend
   * connection (which has part of the body) is closed, and the proxy's failure that follows is answered 413 by
   * {@link Attempt}; the client's connection closes after that answer.
   */
  private static final class Watch extends AbstractStreamSourceConduit<StreamSourceConduit> {
    private final HttpServerExchange exchange;
    private final long max;
    private long read;
    private boolean refused;

    Watch(StreamSourceConduit next, HttpServerExchange exchange) {
      super(next);
      this.exchange = exchange;
      this.max = limit(exchange);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      if (refused) {
        return 0;
      }
      int start = dst.position();
      int n = next.read(dst);
      if (n > 0) {
        read += n;
        if (Verdicts.streamedTooLarge(read, max)) {
          dst.position(start); // none of it goes on
          refuse();
          return 0;
        }
      }
      return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
      for (int i = offs; i < offs + len; i++) {
        if (dsts[i].hasRemaining()) {
          return read(dsts[i]);
        }
      }
      return 0;
    }

    @Override
    public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
      return Conduits.transfer(this, count, throughBuffer, target);
    }

    @Override
    public long transferTo(long position, long count, FileChannel target) throws IOException {
      return target.transferFrom(new ConduitReadableByteChannel(this), position, count);
    }

    private void refuse() {
      refused = true;
      exchange.putAttachment(TOO_LARGE, Boolean.TRUE);
      Attempt attempt = exchange.getAttachment(Attempt.KEY);
      if (attempt != null) {
        attempt.bodyTooLarge();
      }
    }
  }
}
