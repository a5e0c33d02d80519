package dev.drover.balancer;

import dev.drover.config.HostPort;
import io.undertow.UndertowOptions;
import io.undertow.conduits.IdleTimeoutConduit;
import io.undertow.connector.ByteBufferPool;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.OpenListener;
import io.undertow.server.protocol.http.AlpnOpenListener;
import io.undertow.server.protocol.http.HttpOpenListener;
import io.undertow.server.protocol.http2.Http2OpenListener;
import io.undertow.util.WorkerUtils;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Sequence;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioExecutor;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;
import org.xnio.ssl.SslConnection;

/**
 * The listening sockets and their threads, wired the way {@code Undertow.start()} wires them. Done by hand because
 * Undertow can only stop accepting by closing every open connection too, and a balancer that stops must
 * refuse new clients while the requests in flight finish.
 *
 * <p>With TLS the main socket speaks HTTP/2 or HTTP/1.1, as the client chooses by ALPN; a second, plain socket
 * may redirect to it ({@link #openRedirect}).
 */
final class FrontListener {
  /** Undertow's own choice for a JVM with memory to spare: direct buffers of 16 KB less the TLS overhead. */
  private static final int BUFFER_SIZE = 16 * 1024 - 20;
  /** TLS 1.0 and 1.1 are broken and off in the JDK already; saying so here keeps a tuned java.security from reviving them. */
  private static final Sequence<String> TLS_PROTOCOLS = Sequence.of("TLSv1.3", "TLSv1.2");
  /** HTTP/2 streams one connection may have open at once, nginx's default give or take. */
  private static final int HTTP2_MAX_STREAMS = 128;
  /** For a TLS handshake when {@code balancer.read_timeout} is off: a handshake that never ends is never legitimate. */
  private static final long DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 60_000;

  private final XnioWorker worker;
  private final String host;
  private final ByteBufferPool buffers;
  private final OptionMap connectionOptions;
  private final OptionMap plainSocketOptions;
  private final AcceptingChannel<? extends StreamConnection> main;
  /** Null for plain HTTP. */
  private final UndertowXnioSsl ssl;
  private final List<OpenListener> connections = new CopyOnWriteArrayList<>();
  private final List<AcceptingChannel<? extends StreamConnection>> acceptors = new CopyOnWriteArrayList<>();
  /** The head size {@link HeadScanner} cuts at on connections opened from now on. */
  private final AtomicLong headLimit;

  private FrontListener(XnioWorker worker, String host, ByteBufferPool buffers, OptionMap connectionOptions,
      int ioThreads, OpenListener connections, AcceptingChannel<? extends StreamConnection> main, UndertowXnioSsl ssl,
      AtomicLong headLimit) {
    this.worker = worker;
    this.host = host;
    this.buffers = buffers;
    this.connectionOptions = connectionOptions;
    this.plainSocketOptions = socketOptions(ioThreads).getMap();
    this.main = main;
    this.ssl = ssl;
    this.connections.add(connections);
    this.acceptors.add(main);
    this.headLimit = headLimit;
  }

  /** Plain HTTP/1.1 on {@code listen}. */
  static FrontListener open(HostPort listen, int ioThreads, OptionMap serverOptions, HttpHandler root,
      String threadName) throws IOException {
    return open(listen, ioThreads, serverOptions, root, threadName, null, null);
  }

  /** HTTPS (HTTP/2 by ALPN, else HTTP/1.1) on {@code listen} when {@code tls} is set, plain HTTP/1.1 otherwise. */
  static FrontListener open(HostPort listen, int ioThreads, OptionMap serverOptions, HttpHandler root,
      String threadName, SSLContext tls, PerIpConnectionLimit perIp) throws IOException {
    return open(engine(ioThreads, threadName), listen, ioThreads, serverOptions, root, tls, perIp);
  }

  /**
   * The threads a listener runs on, made before it listens: making them (XNIO's provider, its JMX beans, the
   * IO threads) is most of what opening costs, and can be done while the workers boot.
   */
  static XnioWorker engine(int ioThreads, String threadName) throws IOException {
    return Xnio.getInstance(FrontListener.class.getClassLoader()).createWorker(OptionMap.builder()
        .set(Options.WORKER_IO_THREADS, ioThreads)
        .set(Options.WORKER_TASK_CORE_THREADS, 1) // nothing here blocks; the pool only serves stray dispatches
        .set(Options.WORKER_TASK_MAX_THREADS, 2)
        .set(Options.CONNECTION_HIGH_WATER, 1_000_000)
        .set(Options.CONNECTION_LOW_WATER, 1_000_000)
        .set(Options.TCP_NODELAY, true)
        .set(Options.CORK, true)
        .set(Options.WORKER_NAME, threadName)
        .getMap());
  }

  /** As above, on threads made by {@link #engine}; they are shut down when this fails or is closed. */
  static FrontListener open(XnioWorker worker, HostPort listen, int ioThreads, OptionMap serverOptions,
      HttpHandler root, SSLContext tls, PerIpConnectionLimit perIp) throws IOException {
    return open(worker, listen, ioThreads, serverOptions, root, tls, perIp, null);
  }

  /**
   * The Undertow path behind the fast one: plain HTTP/1.1 on a loopback port of its own, for connections the fast
   * path hands over with a {@link Handoff} preamble. They were counted per address when the fast path accepted them.
   */
  static FrontListener openHandoff(XnioWorker worker, int ioThreads, OptionMap serverOptions, HttpHandler root,
      Handoff handoff) throws IOException {
    return open(worker, new HostPort("127.0.0.1", 0), ioThreads, serverOptions, root, null, null, handoff);
  }

  private static FrontListener open(XnioWorker worker, HostPort listen, int ioThreads, OptionMap serverOptions,
      HttpHandler root, SSLContext tls, PerIpConnectionLimit perIp, Handoff handoff) throws IOException {
    try {
      ByteBufferPool buffers = new DefaultByteBufferPool(true, BUFFER_SIZE, -1, 4);
      OptionMap connectionOptions = withDefaults(serverOptions);
      InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(listen.host()), listen.port());
      HttpOpenListener http = new HttpOpenListener(buffers, connectionOptions);
      http.setRootHandler(root);
      AtomicLong headLimit = new AtomicLong(ServerOptions.scanLimit(connectionOptions));
      if (tls == null) {
        ChannelListener<StreamConnection> scanned = scanned(http, headLimit);
        ChannelListener<StreamConnection> accepted = handoff != null ? handoff.reader(scanned)
            : perIp == null ? scanned : perIp.guard(scanned);
        AcceptingChannel<StreamConnection> acceptor = worker.createStreamConnectionServer(address,
            ChannelListeners.openListenerAdapter(accepted),
            socketOptions(ioThreads).getMap());
        acceptor.resumeAccepts();
        return new FrontListener(worker, listen.host(), buffers, connectionOptions, ioThreads, http, acceptor, null,
            headLimit);
      }
      OptionMap http2Options = http2Options(connectionOptions);
      Http2OpenListener http2 = new Http2OpenListener(buffers, http2Options);
      AlpnOpenListener alpn = new AlpnOpenListener(buffers, http2Options, http);
      alpn.addProtocol(Http2OpenListener.HTTP2, http2, 10);
      alpn.setRootHandler(root);
      UndertowXnioSsl ssl = new UndertowXnioSsl(worker.getXnio(), OptionMap.create(Options.USE_DIRECT_BUFFERS, true), tls);
      int parseTimeout = connectionOptions.get(UndertowOptions.REQUEST_PARSE_TIMEOUT, -1);
      ChannelListener<StreamConnection> handshaking = handshakeDeadline(alpn,
          parseTimeout > 0 ? parseTimeout : DEFAULT_HANDSHAKE_TIMEOUT_MILLIS);
      @SuppressWarnings({"unchecked", "rawtypes"}) // the SSL server hands SslConnections, which are StreamConnections
      ChannelListener<AcceptingChannel<SslConnection>> accept =
          (ChannelListener) ChannelListeners.openListenerAdapter(perIp == null ? handshaking : perIp.guard(handshaking));
      AcceptingChannel<SslConnection> acceptor = ssl.createSslConnectionServer(worker, address, accept,
          socketOptions(ioThreads).set(Options.SSL_ENABLED_PROTOCOLS, TLS_PROTOCOLS).getMap());
      acceptor.resumeAccepts();
      return new FrontListener(worker, listen.host(), buffers, connectionOptions, ioThreads, alpn, acceptor, ssl,
          headLimit);
    } catch (IOException | RuntimeException e) {
      worker.shutdownNow();
      throw e;
    }
  }

  /**
   * Every byte of a plain connection passes a {@link HeadScanner} before Undertow parses it; {@link HeadCheck}
   * answers what it finds. It is the innermost conduit, so that Undertow's connection knows it as its original one.
   */
  private static ChannelListener<StreamConnection> scanned(HttpOpenListener http, AtomicLong headLimit) {
    return connection -> {
      // off until the connection becomes a tunnel (see HeadCheck); innermost, so it sees the socket's every byte
      IdleTimeoutConduit idle = new IdleTimeoutConduit(connection);
      connection.getSourceChannel().setConduit(idle);
      connection.getSinkChannel().setConduit(idle);
      connection.getSourceChannel().setConduit(new HeadScanner(idle, headLimit.get()));
      http.handleEvent(connection);
    };
  }

  /**
   * Undertow times out a request head only once the handshake is over and a protocol chosen; until then a
   * client that connects and sends nothing would hold its socket for good. It gets the request-head time
   * ({@code balancer.read_timeout}) to finish the handshake.
   */
  private static ChannelListener<StreamConnection> handshakeDeadline(ChannelListener<StreamConnection> next,
      long millis) {
    return connection -> {
      XnioExecutor.Key timer = WorkerUtils.executeAfter(connection.getIoThread(),
          () -> IoUtils.safeClose(connection), millis, TimeUnit.MILLISECONDS);
      ((SslConnection) connection).getHandshakeSetter().set(c -> timer.remove());
      next.handleEvent(connection);
    };
  }

  /** A second, plain HTTP/1.1 socket on the same host and threads, e.g. the redirect to HTTPS. */
  InetSocketAddress openRedirect(int port, HttpHandler handler) throws IOException {
    HttpOpenListener http = new HttpOpenListener(buffers, connectionOptions);
    http.setRootHandler(handler);
    connections.add(http);
    AcceptingChannel<StreamConnection> acceptor = worker.createStreamConnectionServer(
        new InetSocketAddress(InetAddress.getByName(host), port), ChannelListeners.openListenerAdapter(http),
        plainSocketOptions);
    acceptors.add(acceptor);
    acceptor.resumeAccepts();
    return acceptor.getLocalAddress(InetSocketAddress.class);
  }

  private static OptionMap.Builder socketOptions(int ioThreads) {
    return OptionMap.builder()
        .set(Options.WORKER_IO_THREADS, ioThreads)
        .set(Options.TCP_NODELAY, true)
        .set(Options.REUSE_ADDRESSES, true)
        .set(Options.BALANCING_TOKENS, 1)
        .set(Options.BALANCING_CONNECTIONS, 2)
        .set(Options.BACKLOG, 1000);
  }

  /** Connections opened from now on use {@code serverOptions}; open ones keep theirs. */
  void serverOptions(OptionMap serverOptions) {
    OptionMap plain = withDefaults(serverOptions);
    for (OpenListener c : connections) {
      c.setUndertowOptions(c instanceof AlpnOpenListener ? http2Options(plain) : plain);
    }
    headLimit.set(ServerOptions.scanLimit(plain));
  }

  private static OptionMap withDefaults(OptionMap serverOptions) {
    return OptionMap.builder()
        .set(UndertowOptions.BUFFER_PIPELINED_DATA, true)
        .addAll(serverOptions)
        .getMap();
  }

  private static OptionMap http2Options(OptionMap connectionOptions) {
    return OptionMap.builder()
        .addAll(connectionOptions)
        .set(UndertowOptions.ENABLE_HTTP2, true)
        .set(UndertowOptions.HTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, HTTP2_MAX_STREAMS)
        .set(UndertowOptions.HTTP2_SETTINGS_MAX_HEADER_LIST_SIZE,
            connectionOptions.get(UndertowOptions.MAX_HEADER_SIZE, UndertowOptions.DEFAULT_MAX_HEADER_SIZE))
        .getMap();
  }

  InetSocketAddress address() {
    return main.getLocalAddress(InetSocketAddress.class);
  }

  /** New TLS connections handshake with {@code context}; open ones keep theirs. Ignored for plain HTTP. */
  void updateSslContext(SSLContext context) {
    if (ssl != null) {
      ssl.updateSSLContext(context);
    }
  }

  /** New connections are refused from now on; open ones carry on. */
  void stopAccepting() {
    for (AcceptingChannel<? extends StreamConnection> acceptor : acceptors) {
      IoUtils.safeClose(acceptor);
    }
  }

  /** Closes every connection, client and backend alike, and ends the threads, waiting at most {@code wait}. */
  void close(Duration wait) {
    stopAccepting();
    for (OpenListener c : connections) {
      c.closeConnections();
    }
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
