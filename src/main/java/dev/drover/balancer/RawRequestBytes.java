package dev.drover.balancer;

import io.undertow.conduits.ReadDataStreamSourceConduit;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpServerConnection;
import io.undertow.util.ImmediatePooledByteBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.xnio.ChannelListener;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.conduits.StreamSourceConduit;

/**
 * What a client sent after its request head, read underneath Undertow's body decoding so that it can be looked at
 * first and then given back: Undertow reads the returned bytes again, in order, as if they had just arrived.
 *
 * <p>Undertow has no public way to peek at a request body, so this leans on two of its public classes: the
 * connection keeps bytes read past the head as "extra bytes" in front of the socket, and
 * {@link ReadDataStreamSourceConduit} reads those first, then the socket. Use it on the exchange's IO thread, while
 * no one else reads the request and the exchange is parked (dispatched, not in a handler call).
 */
final class RawRequestBytes {
  private final HttpServerConnection connection;
  private final ConduitStreamSourceChannel channel;
  private final StreamSourceConduit raw;
  private ChannelListener<? super ConduitStreamSourceChannel> displaced;
  private boolean watching;

  private RawRequestBytes(HttpServerConnection connection) {
    this.connection = connection;
    this.channel = connection.getChannel().getSourceChannel();
    this.raw = new ReadDataStreamSourceConduit(connection.getOriginalSourceConduit(), connection);
  }

  /** Null for connections that are not HTTP/1.x (nothing else is served, but the cast must be safe). */
  static RawRequestBytes of(HttpServerExchange exchange) {
    return exchange.getConnection() instanceof HttpServerConnection c ? new RawRequestBytes(c) : null;
  }

  PooledByteBuffer allocate() {
    return connection.getByteBufferPool().allocate();
  }

  /** Like a channel read: bytes read, 0 when nothing is waiting, -1 when the client closed its side. */
  int read(ByteBuffer dst) throws IOException {
    return raw.read(dst);
  }

  /** Calls {@code readable} on the IO thread whenever more can be read, until {@link #stopWatching()}. */
  void watch(Runnable readable) {
    if (!watching) {
      displaced = channel.getReadListener();
      watching = true;
    }
    channel.setReadListener(c -> readable.run());
    channel.resumeReads();
  }

  /** Hands reading back to Undertow as it was before {@link #watch}. */
  void stopWatching() {
    if (watching) {
      watching = false;
      channel.suspendReads();
      channel.setReadListener(displaced);
      displaced = null;
    }
  }

  /**
   * Puts {@code buffers} (flipped, in the order they were read) back in front of whatever is still unread, and
   * takes ownership of them.
   */
  void giveBack(List<PooledByteBuffer> buffers) {
    if (buffers.isEmpty()) {
      return;
    }
    if (buffers.size() == 1) {
      connection.ungetRequestBytes(buffers.get(0));
      return;
    }
    // one buffer, because ungetting several in turn copies the growing rest each time
    int size = 0;
    for (PooledByteBuffer b : buffers) {
      size += b.getBuffer().remaining();
    }
    ByteBuffer all = ByteBuffer.allocate(size);
    for (PooledByteBuffer b : buffers) {
      all.put(b.getBuffer());
      b.close();
    }
    all.flip();
    connection.ungetRequestBytes(new ImmediatePooledByteBuffer(all));
  }
}
