package dev.drover.balancer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;

/**
 * How the fast path gives a connection to the Undertow path: it connects to a loopback listener of the Undertow
 * path, sends a fixed-size preamble (a per-balancer secret, the client's address and port), then the client's
 * bytes as they came. The listener reads exactly the preamble, checks the secret, and hands Undertow a connection
 * that reports the client's address, so rate limits, trusted proxies, logs and {@code X-Forwarded-For} see the
 * client, not loopback. A fixed size means the preamble is never read past: the first byte Undertow reads is the
 * client's. A local process that does not know the secret is closed unheard.
 */
final class Handoff {
  static final int SECRET_BYTES = 16;
  /** Secret, address length (4 or 16), 16 address bytes, port. */
  static final int PREAMBLE_BYTES = SECRET_BYTES + 1 + 16 + 2;
  private static final long PREAMBLE_TIMEOUT_MILLIS = 10_000;

  private final byte[] secret = new byte[SECRET_BYTES];
  private final InetSocketAddress local;

  /** @param local the address the client connected to, reported as the handed-over connection's local one */
  Handoff(InetSocketAddress local) {
    new SecureRandom().nextBytes(secret);
    this.local = local;
  }

  /** The preamble for a client at {@code peer}, ready to write. */
  ByteBuffer preamble(InetSocketAddress peer) {
    ByteBuffer b = ByteBuffer.allocate(PREAMBLE_BYTES);
    byte[] address = peer.getAddress().getAddress();
    b.put(secret).put((byte) address.length).put(address).position(SECRET_BYTES + 1 + 16);
    b.putShort((short) peer.getPort());
    return b.flip();
  }

  /** Reads the preamble of each accepted connection, then passes it on to {@code next} with the client's address. */
  ChannelListener<StreamConnection> reader(ChannelListener<StreamConnection> next) {
    return connection -> {
      ByteBuffer in = ByteBuffer.allocate(PREAMBLE_BYTES);
      XnioExecutor.Key timer = connection.getIoThread().executeAfter(() -> IoUtils.safeClose(connection),
          PREAMBLE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      ChannelListener<org.xnio.conduits.ConduitStreamSourceChannel> read = channel -> {
        int n = 0;
        try {
          while (in.hasRemaining() && (n = channel.read(in)) > 0) {
            // reading exactly the preamble
          }
        } catch (IOException e) {
          n = -1; // reset: gone just the same
        }
        if (n >= 0 && in.hasRemaining()) {
          return;
        }
        timer.remove();
        if (n < 0) {
          IoUtils.safeClose(connection);
          return;
        }
        channel.suspendReads();
        channel.getReadSetter().set(null);
        InetSocketAddress client = client(in.flip());
        if (client == null) {
          IoUtils.safeClose(connection);
          return;
        }
        next.handleEvent(new Addressed(connection, client, local));
      };
      connection.getSourceChannel().getReadSetter().set(read);
      connection.getSourceChannel().resumeReads();
    };
  }

  /** The client's address, or null when the secret is wrong. */
  private InetSocketAddress client(ByteBuffer b) {
    byte[] claimed = new byte[SECRET_BYTES];
    b.get(claimed);
    if (!MessageDigest.isEqual(claimed, secret)) {
      return null;
    }
    int length = b.get();
    if (length != 4 && length != 16) {
      return null;
    }
    byte[] address = new byte[length];
    b.get(address).position(SECRET_BYTES + 1 + 16);
    int port = b.getShort() & 0xffff;
    try {
      return new InetSocketAddress(InetAddress.getByAddress(address), port);
    } catch (java.net.UnknownHostException e) {
      return null;
    }
  }

  /** The handed-over connection as Undertow sees it: the same socket, the client's addresses. */
  private static final class Addressed extends StreamConnection {
    private final StreamConnection delegate;
    private final SocketAddress peer;
    private final SocketAddress local;

    Addressed(StreamConnection delegate, SocketAddress peer, SocketAddress local) {
      super(delegate.getIoThread());
      this.delegate = delegate;
      this.peer = peer;
      this.local = local;
      setSinkConduit(delegate.getSinkChannel().getConduit());
      setSourceConduit(delegate.getSourceChannel().getConduit());
    }

    @Override
    protected void notifyWriteClosed() {
      IoUtils.safeClose(delegate.getSinkChannel());
    }

    @Override
    protected void notifyReadClosed() {
      IoUtils.safeClose(delegate.getSourceChannel());
    }

    @Override
    protected void closeAction() {
      IoUtils.safeClose(delegate);
    }

    @Override
    public SocketAddress getPeerAddress() {
      return peer;
    }

    @Override
    public SocketAddress getLocalAddress() {
      return local;
    }
  }
}
