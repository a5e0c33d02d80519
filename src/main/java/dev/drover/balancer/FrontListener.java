package dev.drover.balancer;

import dev.drover.config.HostPort;
import io.undertow.UndertowOptions;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

/**
 * The listening socket and its threads, wired the way {@code Undertow.start()} wires them. Done by hand because
 * Undertow can only stop accepting by closing every open connection too, and a balancer that stops must
 * refuse new clients while the requests in flight finish.
 */
final class FrontListener {
  /** Undertow's own choice for a JVM with memory to spare: direct buffers of 16 KB less the TLS overhead. */
  private static final int BUFFER_SIZE = 16 * 1024 - 20;

  private final XnioWorker worker;
  private final HttpOpenListener connections;
  private final AcceptingChannel<StreamConnection> acceptor;

  private FrontListener(XnioWorker worker, HttpOpenListener connections, AcceptingChannel<StreamConnection> acceptor) {
    this.worker = worker;
    this.connections = connections;
    this.acceptor = acceptor;
  }

  static FrontListener open(HostPort listen, int ioThreads, OptionMap serverOptions, HttpHandler root,
      String threadName, PerIpConnectionLimit perIp) throws IOException {
    XnioWorker worker = Xnio.getInstance(FrontListener.class.getClassLoader()).createWorker(OptionMap.builder()
        .set(Options.WORKER_IO_THREADS, ioThreads)
        .set(Options.WORKER_TASK_CORE_THREADS, 1) // nothing here blocks; the pool only serves stray dispatches
        .set(Options.WORKER_TASK_MAX_THREADS, 2)
        .set(Options.CONNECTION_HIGH_WATER, 1_000_000)
        .set(Options.CONNECTION_LOW_WATER, 1_000_000)
        .set(Options.TCP_NODELAY, true)
        .set(Options.CORK, true)
        .set(Options.WORKER_NAME, threadName)
        .getMap());
    try {
      ByteBufferPool buffers = new DefaultByteBufferPool(true, BUFFER_SIZE, -1, 4);
      HttpOpenListener connections = new HttpOpenListener(buffers, withDefaults(serverOptions));
      connections.setRootHandler(root);
      AcceptingChannel<StreamConnection> acceptor = worker.createStreamConnectionServer(
          new InetSocketAddress(InetAddress.getByName(listen.host()), listen.port()),
          ChannelListeners.openListenerAdapter(perIp.guard(connections)),
          OptionMap.builder()
              .set(Options.WORKER_IO_THREADS, ioThreads)
              .set(Options.TCP_NODELAY, true)
              .set(Options.REUSE_ADDRESSES, true)
              .set(Options.BALANCING_TOKENS, 1)
              .set(Options.BALANCING_CONNECTIONS, 2)
              .set(Options.BACKLOG, 1000)
              .getMap());
      acceptor.resumeAccepts();
      return new FrontListener(worker, connections, acceptor);
    } catch (IOException | RuntimeException e) {
      worker.shutdownNow();
      throw e;
    }
  }

  /** Connections opened from now on use {@code serverOptions}; open ones keep theirs. */
  void serverOptions(OptionMap serverOptions) {
    connections.setUndertowOptions(withDefaults(serverOptions));
  }

  private static OptionMap withDefaults(OptionMap serverOptions) {
    return OptionMap.builder()
        .set(UndertowOptions.BUFFER_PIPELINED_DATA, true)
        .addAll(serverOptions)
        .getMap();
  }

  InetSocketAddress address() {
    return acceptor.getLocalAddress(InetSocketAddress.class);
  }

  /** New connections are refused from now on; open ones carry on. */
  void stopAccepting() {
    IoUtils.safeClose(acceptor);
  }

  /** Closes every connection, client and backend alike, and ends the threads, waiting at most {@code wait}. */
  void close(Duration wait) {
    stopAccepting();
    connections.closeConnections();
    worker.shutdown();
    try {
      if (!worker.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        worker.shutdownNow();
        worker.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      worker.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
