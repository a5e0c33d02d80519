package dev.drover.balancer;

import dev.drover.config.BalancerSettings;
import dev.drover.config.HostPort;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xnio.IoUtils;

/**
 * The balancer's fast path on a plain listener: a {@code java.nio} selector loop per core that proxies the common
 * request (see {@link FastHead}) itself, and hands every other connection to the Undertow path through
 * {@link Handoff}, which then serves it to its end.
 *
 * <p>Per request it does what the Undertow chain does, with the same shared parts: the per-address connection count
 * (at accept), the concurrency gate, the backend pool and its strategy, the rate limits, the request id,
 * {@code X-Forwarded-For} and {@code -Proto}, metrics and the access log; a request any of them would refuse or
 * park is handed over before anything was sent, so the Undertow path gives the refusal. What is new is the cost:
 * client and backend sockets stay registered for reading (interest changes only when a peer cannot keep up), a
 * head is parsed once in the connection's buffer and leaves in one write, and a response whose length is known
 * ends without a read to EAGAIN. Backend connections are kept per loop and per backend.
 *
 * <p>Timeouts are checked by each loop every {@link #TICK_MILLIS}: {@code read_timeout} from a head's first byte,
 * {@code idle_timeout} between requests, {@code upstream_timeout} until a response starts (504).
 */
final class FastFront implements Reconfigurable {
  static final int BUFFER_BYTES = 16 * 1024;
  static final long TICK_MILLIS = 100;
  private static final int IDLE_PER_BACKEND = 64;
  /** Room for the request id and forwarding fields added to a head, beyond a client's own X-Forwarded-For. */
  private static final int ADDED_FIELDS_ROOM = 512;
  /**
   * Spare buffers a loop keeps at most, and once no connection holds one. A direct buffer dropped to the collector
   * would keep its memory until a full collection (it has long been tenured by then), so those beyond are freed at
   * once (see {@link DirectMemory}).
   */
  private static final int POOLED_BUFFERS = 1024;
  private static final int POOLED_WHEN_QUIET = 16;
  private static final int POOLED_DEFLATERS = 16;
  /** Client connections per loop that may hold a buffer between reads before partial heads are handed over. */
  private static final int MAX_HOLDING = 256;
  private static final System.Logger LOG = System.getLogger(FastFront.class.getName());

  /** The knobs the fast path reads per request or per tick; swapped whole on reconfigure. */
  private record Knobs(long maxHead, long maxBody, long readTimeoutNanos, long idleTimeoutNanos,
      long upstreamTimeoutNanos, TrustedProxies trusted) {
    static Knobs of(BalancerSettings s) {
      return new Knobs(s.maxHeaderSize().bytes(), s.maxBody().bytes(), s.readTimeout().toNanos(),
          s.idleTimeout().toNanos(), s.upstreamTimeout().toNanos(), TrustedProxies.parse(s.trustedProxies()));
    }
  }

  /** Whatever a selection key is attached to. */
  private interface Ready {
    void ready(SelectionKey key) throws IOException;

    /** A ready call threw: the owner closes what it holds. */
    void failed(IOException e);
  }

  private final ServerSocketChannel server;
  private final InetSocketAddress address;
  private final BackendPool pool;
  private final Metrics metrics;
  private final PerIpConnectionLimit perIp;
  private final ConcurrencyLimitHandler concurrency;
  private final RateLimitHandler rateLimits;
  private final AccessLogWriter accessLog;
  private final Loop[] loops;
  private final AtomicInteger turn = new AtomicInteger();
  private volatile Knobs knobs;
  private volatile Handoff handoff;
  private volatile InetSocketAddress handoffAddress;
  private volatile boolean draining;

  private FastFront(ServerSocketChannel server, BalancerSettings settings, int threads, BackendPool pool,
      Metrics metrics, PerIpConnectionLimit perIp, ConcurrencyLimitHandler concurrency, RateLimitHandler rateLimits,
      AccessLogWriter accessLog) throws IOException {
    this.server = server;
    this.address = (InetSocketAddress) server.getLocalAddress();
    this.pool = pool;
    this.metrics = metrics;
    this.perIp = perIp;
    this.concurrency = concurrency;
    this.rateLimits = rateLimits;
    this.accessLog = accessLog;
    this.knobs = Knobs.of(settings);
    this.loops = new Loop[threads];
    for (int i = 0; i < threads; i++) {
      loops[i] = new Loop(i);
    }
  }

  /** Binds {@code balancer.listen}; nothing is accepted before {@link #start}. */
  static FastFront bind(BalancerSettings settings, int threads, BackendPool pool, Metrics metrics,
      PerIpConnectionLimit perIp, ConcurrencyLimitHandler concurrency, RateLimitHandler rateLimits,
      AccessLogWriter accessLog) throws IOException {
    HostPort listen = settings.listen();
    ServerSocketChannel server = ServerSocketChannel.open();
    try {
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(new InetSocketAddress(InetAddress.getByName(listen.host()), listen.port()), 1000);
      server.configureBlocking(false);
      return new FastFront(server, settings, threads, pool, metrics, perIp, concurrency, rateLimits, accessLog);
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  InetSocketAddress address() {
    return address;
  }

  /** Starts the loops and accepting; handed-over connections go to {@code to} with a preamble made by {@code by}. */
  void start(Handoff by, InetSocketAddress to) throws IOException {
    this.handoff = by;
    this.handoffAddress = to;
    for (Loop loop : loops) {
      loop.start();
    }
    loops[0].execute(() -> {
      try {
        server.register(loops[0].selector, SelectionKey.OP_ACCEPT, new Acceptor());
      } catch (IOException e) {
        LOG.log(System.Logger.Level.ERROR, "balancer cannot accept: {0}", e.getMessage());
      }
    });
  }

  @Override
  public void reconfigure(BalancerSettings settings) {
    knobs = Knobs.of(settings);
  }

  /**
   * New connections are refused from now on, and a new request on an open one gets 503 and a close, while requests in
   * flight finish: the Undertow path's shutdown gate does the same.
   */
  void drain() {
    draining = true;
    loops[0].execute(() -> IoUtils.safeClose(server));
  }

  /** Closes every connection and ends the loops, waiting at most {@code wait}. */
  void close(Duration wait) {
    draining = true;
    IoUtils.safeClose(server);
    for (Loop loop : loops) {
      loop.stop();
    }
    long deadline = System.nanoTime() + wait.toNanos();
    for (Loop loop : loops) {
      try {
        loop.done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Accepts on loop 0 and deals connections to the loops in turn. */
  private final class Acceptor implements Ready {
    @Override
    public void ready(SelectionKey key) throws IOException {
      SocketChannel c;
      while ((c = server.accept()) != null) {
        InetSocketAddress peer = (InetSocketAddress) c.getRemoteAddress();
        Runnable release = draining || peer == null ? null : perIp.admit(peer.getAddress());
        if (release == null) {
          c.close();
          continue;
        }
        try {
          c.configureBlocking(false);
          c.setOption(StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException e) {
          release.run();
          c.close();
          continue;
        }
        SocketChannel accepted = c;
        Loop loop = loops[(turn.getAndIncrement() & Integer.MAX_VALUE) % loops.length];
        if (loop == loops[0]) {
          loop.adopt(accepted, peer, release);
        } else {
          loop.execute(() -> loop.adopt(accepted, peer, release));
        }
      }
    }

    @Override
    public void failed(IOException e) {
      if (!draining) {
        LOG.log(System.Logger.Level.WARNING, "accept failed: {0}", e.getMessage());
      }
    }
  }

  /** One selector thread with its connections, its idle backend connections and its spare buffers. */
  private final class Loop implements Runnable {
    final Selector selector;
    final Thread thread;
    final CountDownLatch done = new CountDownLatch(1);
    final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    final java.util.Set<Conn> conns = new java.util.HashSet<>();
    final IdentityHashMap<Backend, ArrayDeque<Upstream>> idle = new IdentityHashMap<>();
    final ArrayDeque<ByteBuffer> spare = new ArrayDeque<>();
    ByteBuffer scratch;
    /** Deflaters hold native memory and are slow to make, so they are reused. */
    final ArrayDeque<java.util.zip.Deflater> deflaters = new ArrayDeque<>();
    /** Client connections holding bytes between reads: a partial head, a request in flight, a handed-over backlog. */
    int holding;
    volatile boolean stopping;
    /** Only the thread that makes the front starts and stops its loops. */
    private boolean started;
    long nextTick;

    Loop(int index) throws IOException {
      selector = Selector.open();
      thread = new Thread(this, Balancer.THREAD_NAME + "-fast-" + index);
      thread.setDaemon(true);
    }

    void start() {
      started = true;
      thread.start();
    }

    void execute(Runnable task) {
      tasks.add(task);
      selector.wakeup();
    }

    void stop() {
      stopping = true;
      if (!started) {
        IoUtils.safeClose(selector); // nothing runs to close it
        done.countDown();
        return;
      }
      selector.wakeup();
    }

    @Override
    public void run() {
      try {
        while (!stopping) {
          // each ready key is handled as the selector finds it, without a selected-key set to fill and empty
          selector.select(this::dispatch, conns.isEmpty() ? 0 : TICK_MILLIS); // no ticks for a loop with nothing to time
          Runnable task;
          while ((task = tasks.poll()) != null) {
            task.run();
          }
          long now = System.nanoTime();
          if (now - nextTick >= 0) {
            nextTick = now + TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
            tick(now);
          }
        }
      } catch (IOException | RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "fast path loop ended", e);
      } finally {
        for (Conn c : new ArrayList<>(conns)) {
          c.close();
        }
        for (ArrayDeque<Upstream> q : idle.values()) {
          for (Upstream u : q) {
            u.close();
          }
        }
        idle.clear();
        for (java.util.zip.Deflater d : deflaters) {
          d.end();
        }
        deflaters.clear();
        IoUtils.safeClose(selector);
        done.countDown();
      }
    }

    private void dispatch(SelectionKey key) {
      Ready r = (Ready) key.attachment();
      try {
        if (key.isValid()) {
          r.ready(key);
        }
      } catch (IOException e) {
        r.failed(e);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "fast path failed on a connection", e);
        r.failed(new IOException(e));
      }
    }

    void adopt(SocketChannel channel, InetSocketAddress peer, Runnable release) {
      if (stopping) {
        release.run();
        IoUtils.safeClose(channel);
        return;
      }
      try {
        Conn c = new Conn(this, channel, peer, release);
        conns.add(c);
      } catch (IOException e) {
        release.run();
        IoUtils.safeClose(channel);
      }
    }

    private void tick(long now) {
      for (Conn c : new ArrayList<>(conns)) {
        c.tick(now);
      }
      trim();
    }

    /**
     * A buffer of {@link #BUFFER_BYTES}; an IOException when direct memory is exhausted, which closes the connection
     * that asked rather than ending the loop.
     */
    ByteBuffer buffer() throws IOException {
      ByteBuffer b = spare.poll();
      if (b != null) {
        return b;
      }
      try {
        return ByteBuffer.allocateDirect(BUFFER_BYTES);
      } catch (OutOfMemoryError e) {
        throw new IOException("no buffer memory left: " + e.getMessage());
      }
    }

    /**
     * The loop's own buffer, to read into when a connection holds none: if what was read must be kept, the connection
     * takes this buffer ({@link #takeScratch}) and the loop gets another.
     */
    ByteBuffer scratch() throws IOException {
      if (scratch == null) {
        scratch = buffer();
      }
      return scratch;
    }

    ByteBuffer takeScratch() {
      ByteBuffer b = scratch;
      scratch = null;
      return b;
    }

    void recycle(ByteBuffer b) {
      if (b == null) {
        return;
      }
      if (spare.size() < POOLED_BUFFERS) {
        b.clear();
        spare.push(b);
      } else {
        DirectMemory.free(b);
      }
    }

    /** A compressor for one response, its deflater taken from the loop's. */
    Gzip gzip() {
      java.util.zip.Deflater d = deflaters.poll();
      return new Gzip(d != null ? d : new java.util.zip.Deflater(GzipHandler.LEVEL, true));
    }

    void release(Gzip g) {
      g.deflater.reset();
      if (deflaters.size() < POOLED_DEFLATERS) {
        deflaters.push(g.deflater);
      } else {
        g.deflater.end();
      }
    }

    /** Frees the spare buffers a busy moment left, once no connection of this loop holds one. */
    void trim() {
      if (holding == 0) {
        while (spare.size() > POOLED_WHEN_QUIET) {
          DirectMemory.free(spare.pop());
        }
      }
    }

    Upstream takeIdle(Backend b) {
      ArrayDeque<Upstream> q = idle.get(b);
      return q == null ? null : q.pollFirst();
    }

    void putIdle(Upstream u) {
      ArrayDeque<Upstream> q = idle.computeIfAbsent(u.backend, x -> new ArrayDeque<>());
      if (q.size() >= IDLE_PER_BACKEND || !u.backend.routable()) {
        u.close();
        return;
      }
      u.owner = null;
      recycle(u.buf);
      u.buf = null;
      q.addFirst(u);
    }

    void forgetIdle(Upstream u) {
      ArrayDeque<Upstream> q = idle.get(u.backend);
      if (q != null) {
        q.remove(u);
        if (q.isEmpty()) {
          idle.remove(u.backend);
        }
      }
    }
  }

  /** Sets a key's interest, leaving an unchanged one alone (a change costs an epoll_ctl at the next select). */
  private static void interest(SelectionKey key, int ops) {
    if (key.isValid() && key.interestOps() != ops) {
      key.interestOps(ops);
    }
  }

  /** A connection to a backend: in its loop's idle list, or serving one client's request. */
  private final class Upstream implements Ready {
    final Loop loop;
    final Backend backend;
    final SocketChannel channel;
    final SelectionKey key;
    /** The response's bytes while serving a request; null while idle. */
    ByteBuffer buf;
    Conn owner;
    boolean connected;

    Upstream(Loop loop, Backend backend) throws IOException {
      this.loop = loop;
      this.backend = backend;
      this.channel = SocketChannel.open();
      try {
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        connected = channel.connect(backend.address());
        key = channel.register(loop.selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, this);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    }

    /** Serves {@code c}'s request from now on. */
    void attach(Conn c) throws IOException {
      owner = c;
      if (buf == null) {
        buf = loop.buffer();
      }
    }

    @Override
    public void ready(SelectionKey k) throws IOException {
      if (!connected) {
        if (k.isConnectable()) {
          channel.finishConnect();
          connected = true;
          k.interestOps(SelectionKey.OP_READ);
          if (owner != null) {
            owner.sendRequest();
          }
        }
        return;
      }
      if (owner == null) {
        // idle: the backend closed it, or sent what nobody asked for
        ByteBuffer scratch = loop.scratch();
        if (channel.read(scratch) != 0) {
          loop.forgetIdle(this);
          close();
        }
        scratch.clear();
        return;
      }
      if (k.isWritable() && !owner.responseStarted) {
        owner.sendRequest();
      }
      if (k.isValid() && k.isReadable() && owner != null) {
        owner.upstreamReadable();
      }
    }

    @Override
    public void failed(IOException e) {
      if (owner != null) {
        owner.upstreamFailed(this, e);
      } else {
        loop.forgetIdle(this);
        close();
      }
    }

    void interest(int ops) {
      FastFront.interest(key, ops);
    }

    void close() {
      key.cancel();
      IoUtils.safeClose(channel);
      loop.recycle(buf);
      buf = null;
      owner = null;
    }
  }

  /** Where a client connection is. */
  private enum State { HEAD, PROXY, ANSWER, SPLICE, CLOSED }

  /** What a response field line is to the fast path. */
  private static final byte OTHER = 0;
  private static final byte LENGTH_FIELD = 1;
  private static final byte CODING_FIELD = 2;
  private static final byte DROPPED = 3;
  private static final byte ETAG = 4;

  /** How a response's end is found. */
  private enum Framing { NONE, LENGTH, CHUNKED, UNTIL_CLOSE }

  /** A client connection and, while it has one, its request. Every method runs on the connection's loop. */
  private final class Conn implements Ready {
    final Loop loop;
    final SocketChannel channel;
    final SelectionKey key;
    final InetSocketAddress peer;
    final String peerText;
    final Runnable release;
    /** {@code read_timeout} and {@code idle_timeout} as they were when it opened, as for the Undertow path. */
    final Knobs opened = knobs;
    final FastHead head = new FastHead();
    /**
     * Bytes from the client; the unhandled ones are [inStart, position). Held only while there are such bytes or a
     * request is in flight: an idle connection holds no buffer, and reads go to the loop's scratch buffer first.
     */
    ByteBuffer in;
    int inStart;
    State state = State.HEAD;
    /** Idle since (no bytes of a head), or the head's first byte arrived at, in nanos. */
    long since;
    boolean headStarted;
    boolean clientEof;

    // the request in flight
    Backend backend;
    Upstream up;
    Backend[] tried = BackendPool.NONE;
    boolean failedOnce;
    boolean holdsSlot;
    long startNanos;
    /** {@code upstream_timeout} as it was when the request started, as for the Undertow path's timer; 0 for none. */
    long upstreamTimeoutNanos;
    long startMillis;
    String requestId;
    String limitHeader;
    long remaining = -1;
    boolean closeAfter;
    /** The head as it leaves for the backend; kept whole until the response starts, for a retry. */
    ByteBuffer out;
    /** Next body byte of {@code in} to send, and body bytes not sent yet. */
    int sendPos;
    long bodyLeft;
    long bodyLength;
    /** The body was whole in the buffer when first sent, so a retry can send it again. */
    boolean bodyKept;
    // the response
    boolean responseStarted;
    int status;
    long bytes;
    Framing framing;
    long responseLeft;
    final ChunkEnd chunks = new ChunkEnd();
    /** The response's field lines as (from, to, kind) triples. */
    int[] lineMarks = new int[96];
    /** Compressing this response, as {@link GzipHandler} would; null when not. */
    Gzip gzip;
    boolean upstreamReusable;
    /** Response bytes in up.buf not yet written to the client are [upRead, upEnd). */
    int upRead;
    int upEnd;
    boolean responseDone;
    /** The backend's framing broke mid-response: the client's connection closes after what was sent. */
    boolean truncated;

    // a handed-over connection
    SocketChannel inner;
    SelectionKey innerKey;
    ByteBuffer toClient;
    ByteBuffer preamble;
    boolean innerEof;

    Conn(Loop loop, SocketChannel channel, InetSocketAddress peer, Runnable release) throws IOException {
      this.loop = loop;
      this.channel = channel;
      this.peer = peer;
      this.peerText = peer.getAddress().getHostAddress();
      this.release = release;
      this.key = channel.register(loop.selector, SelectionKey.OP_READ, this);
      this.since = System.nanoTime();
      head.reset();
    }

    // ---- reading heads

    @Override
    public void ready(SelectionKey k) throws IOException {
      if (k.isValid() && k.isWritable()) {
        switch (state) {
          case PROXY -> {
            if (responseStarted) {
              relay();
            }
          }
          case ANSWER -> flushAnswer();
          case SPLICE -> spliceToClient();
          default -> { }
        }
      }
      if (k.isValid() && k.isReadable()) {
        switch (state) {
          case HEAD -> readHead();
          case PROXY, ANSWER -> readDuringRequest();
          case SPLICE -> spliceToInner();
          default -> { }
        }
      }
    }

    @Override
    public void failed(IOException e) {
      close();
    }

    private void interest(int ops) {
      FastFront.interest(key, ops);
    }

    /** Reads from the client into {@link #in}, which it takes from the loop's scratch buffer when it had none. */
    private int readClient() throws IOException {
      if (in != null) {
        return channel.read(in);
      }
      int n = channel.read(loop.scratch());
      if (n > 0) {
        in = loop.takeScratch();
        inStart = 0;
        loop.holding++;
      }
      return n;
    }

    /** Gives {@link #in} back once nothing in it is left to handle. */
    private void releaseIn() {
      if (in != null && inStart == in.position()) {
        giveBackIn();
      }
    }

    private void giveBackIn() {
      if (in != null) {
        loop.recycle(in);
        in = null;
        inStart = 0;
        loop.holding--;
      }
    }

    private void readHead() throws IOException {
      if (in != null && !in.hasRemaining()) {
        compact();
      }
      int n = readClient();
      if (n < 0) {
        close();
        return;
      }
      if (n > 0) {
        nextHead();
      }
    }

    private void compact() {
      if (inStart == 0) {
        return;
      }
      int n = in.position() - inStart;
      in.put(0, in, inStart, n);
      in.position(n);
      inStart = 0;
      head.reset();
    }

    /** Takes the next head in the buffer, if a whole one is there. */
    private void nextHead() throws IOException {
      if (in == null || inStart == in.position()) {
        releaseIn();
        head.reset();
        headStarted = false;
        since = System.nanoTime();
        return;
      }
      if (!headStarted) {
        headStarted = true;
        since = System.nanoTime();
      }
      Knobs k = knobs;
      boolean trustedPeer = !k.trusted().isEmpty() && k.trusted().trusts(peer.getAddress());
      if (inStart > 0 && in.capacity() - inStart < BUFFER_BYTES / 2) {
        compact();
      }
      // the head leaves with a few more fields in a buffer of the same size
      FastHead.Result r = head.parse(in, inStart, in.position(), k.maxHead(), k.maxBody(),
          in.capacity() - inStart - ADDED_FIELDS_ROOM, trustedPeer);
      if (r == FastHead.Result.NEED_MORE) {
        if (loop.holding > MAX_HOLDING) {
          handOff(); // many partial heads at once (a slowloris crowd): Undertow keeps them without a buffer each
        }
        return;
      }
      if (draining) {
        refuseDraining(r == FastHead.Result.OK);
        return;
      }
      if (r == FastHead.Result.HANDOFF) {
        handOff();
        return;
      }
      begin(k);
    }

    /** The fast path takes the request if nothing would refuse or park it; else the Undertow path answers. */
    private void begin(Knobs k) throws IOException {
      if (!concurrency.tryRun()) {
        handOff();
        return;
      }
      Backend b = pool.select(BackendPool.NONE);
      if (b == null) {
        concurrency.release();
        handOff();
        return;
      }
      RateLimitHandler.Limits limits = rateLimits.limits();
      limitHeader = null;
      if (limits != null) {
        InetAddress client = ClientAddress.resolve(peer.getAddress(),
            head.forwardedFor == null ? List.of() : List.of(head.forwardedFor), limits.trusted());
        RateLimitHandler.Verdict v = limits.decide(client, head.method, head.path);
        if (!v.probe().isConsumed()) {
          b.leave();
          concurrency.release();
          handOff();
          return;
        }
        limitHeader = v.rule().limitHeader();
        remaining = v.probe().getRemainingTokens();
      }
      metrics.requestStarted();
      holdsSlot = true;
      upstreamTimeoutNanos = k.upstreamTimeoutNanos();
      startNanos = System.nanoTime();
      startMillis = System.currentTimeMillis();
      requestId = head.requestId != null ? head.requestId : RequestIdHandler.generate();
      closeAfter = head.close;
      state = State.PROXY;
      backend = b;
      tried = BackendPool.NONE;
      failedOnce = false;
      responseStarted = false;
      responseDone = false;
      bytes = 0;
      status = 0;
      bodyLength = Math.max(0, head.contentLength);
      bodyKept = in.position() - head.end >= bodyLength;
      out = loop.buffer();
      writeRequestHead();
      connect();
    }

    private void writeRequestHead() {
      ByteBuffer o = out;
      o.clear();
      copy(o, head.start, head.lineEnd);
      int p = head.lineEnd;
      for (int i = 0; i < head.droppedCount; i++) {
        copy(o, p, head.dropped[i * 2]);
        p = head.dropped[i * 2 + 1];
      }
      copy(o, p, head.end - 2);
      put(o, "X-Request-Id: ").put(o, requestId).put(o, "\r\nX-Forwarded-For: ");
      if (head.forwardedFor != null && !head.forwardedFor.isEmpty()) {
        put(o, head.forwardedFor).put(o, ",");
      }
      put(o, peerText).put(o, head.forwardedProto ? "\r\n\r\n" : "\r\nX-Forwarded-Proto: http\r\n\r\n");
      o.flip();
    }

    private void copy(ByteBuffer o, int from, int to) {
      if (to > from) {
        o.put(o.position(), in, from, to - from);
        o.position(o.position() + to - from);
      }
    }

    private Conn put(ByteBuffer o, String s) {
      for (int i = 0; i < s.length(); i++) {
        o.put((byte) s.charAt(i));
      }
      return this;
    }

    // ---- the backend

    private void connect() throws IOException {
      sendPos = head.end;
      bodyLeft = bodyLength;
      out.position(0);
      Upstream u = loop.takeIdle(backend);
      if (u != null) {
        u.attach(this);
        up = u;
        sendRequest();
        return;
      }
      try {
        u = new Upstream(loop, backend);
      } catch (IOException e) {
        refused(backend, e);
        return;
      }
      up = u;
      u.attach(this);
      if (u.connected) {
        sendRequest();
      }
    }

    /** Writes what is left of the head and of the body that has arrived; waits for the backend or the client. */
    void sendRequest() throws IOException {
      Upstream u = up;
      long bodyHere = Math.min(bodyLeft, in.position() - sendPos);
      ByteBuffer body = in.duplicate();
      body.limit((int) (sendPos + bodyHere)).position(sendPos);
      if (out.hasRemaining() || body.hasRemaining()) {
        u.channel.write(new ByteBuffer[] {out, body});
      }
      long sent = body.position() - sendPos;
      sendPos += (int) sent;
      bodyLeft -= sent;
      if (out.hasRemaining() || body.hasRemaining()) {
        u.interest(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        interest(0);
        return;
      }
      u.interest(SelectionKey.OP_READ);
      if (bodyLeft > 0) {
        if (!bodyKept && sendPos == in.position()) {
          in.position(head.end); // the sent part of a body too large to keep makes room for the next
          sendPos = head.end;
        }
        interest(SelectionKey.OP_READ);
      } else {
        interest(in.hasRemaining() && !clientEof ? SelectionKey.OP_READ : 0);
      }
    }

    private void readDuringRequest() throws IOException {
      if (!in.hasRemaining()) {
        interest(0); // full of what comes next; read again once this request is done
        return;
      }
      int n = channel.read(in);
      if (n < 0) {
        clientEof = true;
        if (state == State.PROXY && bodyLeft > 0) {
          abort(); // the body will never come
          return;
        }
        interest(0);
        return;
      }
      if (state == State.PROXY && bodyLeft > 0 && up != null && up.connected && !responseStarted) {
        sendRequest();
      }
    }

    void upstreamReadable() throws IOException {
      Upstream u = up;
      if (responseStarted && upEnd > upRead) {
        return; // the client has not taken the last bytes yet
      }
      if (responseStarted) {
        u.buf.clear();
        upRead = 0;
      }
      int n = u.channel.read(u.buf);
      if (n < 0) {
        upstreamEnded(u);
        return;
      }
      if (n == 0) {
        return;
      }
      if (!responseStarted) {
        responseHead(u);
        return;
      }
      frame(u, upRead, u.buf.position());
      relay();
    }

    /** Reads the status and fields, writes the client's head, and starts relaying the body. */
    private void responseHead(Upstream u) throws IOException {
      ByteBuffer b = u.buf;
      int end = -1;
      for (int i = 3; i < b.position(); i++) {
        if (b.get(i) == '\n' && b.get(i - 1) == '\r' && b.get(i - 2) == '\n' && b.get(i - 3) == '\r') {
          end = i + 1;
          break;
        }
      }
      if (end < 0) {
        if (!b.hasRemaining()) {
          badGateway(u, "sent a response head larger than " + BUFFER_BYTES + " bytes");
        }
        return;
      }
      if (end < 12 || !FastHead.regionIs(b, 0, "http/1.", true) || b.get(8) != ' ') {
        badGateway(u, "sent a malformed status line");
        return;
      }
      int code = (b.get(9) - '0') * 100 + (b.get(10) - '0') * 10 + (b.get(11) - '0');
      if (code < 100 || code > 999) {
        badGateway(u, "sent a malformed status line");
        return;
      }
      if (code == 100) {
        // an unasked-for 100 Continue: dropped, the real answer follows
        int rest = b.position() - end;
        b.put(0, b, end, rest);
        b.position(rest);
        if (rest > 0) {
          responseHead(u);
        }
        return;
      }
      if (code < 200) {
        // 101 was not asked for; an early hint would be taken for the answer by the Undertow path too: 502, as there
        badGateway(u, "sent an interim response " + code);
        return;
      }
      boolean http10 = b.get(7) == '0';
      long length = -1;
      boolean chunked = false;
      boolean otherCoding = false;
      boolean upstreamClose = http10 || bodyLeft > 0; // an answer before the whole body: the rest is not read
      if (bodyLeft > 0) {
        closeAfter = true;
      }
      int lineEnd = 0;
      while (b.get(lineEnd) != '\n') {
        lineEnd++;
      }
      // first the fields are read, then, once it is known whether the body is compressed, copied
      int lines = 0;
      String contentType = null;
      String cacheControl = null;
      boolean encodedOrRanged = false;
      int p = lineEnd + 1;
      while (p < end - 2) {
        int colon = p;
        while (colon < end && b.get(colon) != ':' && b.get(colon) != '\n') {
          colon++;
        }
        int next = colon;
        while (next < end && b.get(next) != '\n') {
          next++;
        }
        next++;
        if (b.get(colon) != ':' || b.get(next - 2) != '\r') {
          badGateway(u, "sent a malformed response head");
          return;
        }
        int nameLength = colon - p;
        byte kind = OTHER;
        if (nameLength == 14 && FastHead.regionIs(b, p, "content-length", true)) {
          long v = number(b, colon + 1, next - 2);
          if (v < 0 || length >= 0 && length != v) {
            badGateway(u, "sent a bad Content-Length");
            return;
          }
          length = v;
          kind = LENGTH_FIELD;
        } else if (nameLength == 17 && FastHead.regionIs(b, p, "transfer-encoding", true)) {
          String value = FastHead.ascii(b, colon + 1, next - 2).trim().toLowerCase(java.util.Locale.ROOT);
          chunked = value.endsWith("chunked");
          otherCoding = !chunked;
          kind = CODING_FIELD;
        } else if (nameLength == 10 && FastHead.regionIs(b, p, "connection", true)) {
          String value = FastHead.ascii(b, colon + 1, next - 2).toLowerCase(java.util.Locale.ROOT);
          upstreamClose |= value.contains("close");
          kind = DROPPED;
        } else if (nameLength == 10 && FastHead.regionIs(b, p, "keep-alive", true)
            || nameLength == 12 && FastHead.regionIs(b, p, "x-request-id", true)) {
          kind = DROPPED;
        } else if (head.gzip) {
          if (nameLength == 12 && FastHead.regionIs(b, p, "content-type", true)) {
            contentType = FastHead.ascii(b, colon + 1, next - 2).trim();
          } else if (nameLength == 13 && FastHead.regionIs(b, p, "cache-control", true)) {
            cacheControl = FastHead.ascii(b, colon + 1, next - 2);
          } else if (nameLength == 16 && FastHead.regionIs(b, p, "content-encoding", true)
              || nameLength == 13 && FastHead.regionIs(b, p, "content-range", true)) {
            encodedOrRanged = true;
          } else if (nameLength == 4 && FastHead.regionIs(b, p, "etag", true)) {
            kind = ETAG;
          }
        }
        if (lines * 3 + 3 > lineMarks.length) {
          lineMarks = java.util.Arrays.copyOf(lineMarks, lineMarks.length * 2);
        }
        lineMarks[lines * 3] = p;
        lineMarks[lines * 3 + 1] = next;
        lineMarks[lines * 3 + 2] = kind;
        lines++;
        p = next;
      }
      boolean compress = head.gzip && GzipHandler.compressible(code, chunked || otherCoding ? -1 : length,
          encodedOrRanged, cacheControl, contentType);
      ByteBuffer o = out; // the request head is no longer needed: no retry once an answer came
      o.clear();
      put(o, "HTTP/1.1");
      copyFrom(o, b, 8, lineEnd + 1);
      for (int i = 0; i < lines; i++) {
        int from = lineMarks[i * 3];
        int to = lineMarks[i * 3 + 1];
        int kind = lineMarks[i * 3 + 2];
        if (kind == DROPPED || compress && (kind == LENGTH_FIELD || kind == CODING_FIELD)) {
          continue;
        }
        if (o.remaining() < to - from + 512) {
          badGateway(u, "sent a response head larger than " + BUFFER_BYTES + " bytes");
          return;
        }
        String etag = compress && kind == ETAG ? FastHead.ascii(b, from + 5, to - 2).trim() : null;
        if (etag != null && !etag.startsWith("W/")) {
          put(o, "ETag: W/").put(o, etag).put(o, "\r\n"); // the compressed bytes differ: the tag can only be weak
        } else {
          copyFrom(o, b, from, to);
        }
      }
      if (compress) {
        put(o, "Content-Encoding: gzip\r\nVary: Accept-Encoding\r\n");
        if (!head.head) {
          put(o, "Transfer-Encoding: chunked\r\n");
          gzip = loop.gzip();
        }
      }
      if (code == 204 || code == 304 || head.head) {
        framing = Framing.NONE;
      } else if (chunked) {
        framing = Framing.CHUNKED;
        chunks.reset();
      } else if (otherCoding || length < 0) {
        framing = Framing.UNTIL_CLOSE;
        closeAfter = true;
      } else {
        framing = Framing.LENGTH;
        responseLeft = length;
      }
      upstreamReusable = !upstreamClose && framing != Framing.UNTIL_CLOSE;
      ourFields(o, false);
      o.flip();
      responseStarted = true;
      status = code;
      frame(u, end, b.position());
      relay();
    }

    /** The fields every answer gets from the balancer, whoever made it, and the head's empty line. */
    private void ourFields(ByteBuffer o, boolean retryAfter) {
      put(o, "X-Request-Id: ").put(o, requestId).put(o, "\r\n");
      if (limitHeader != null) {
        put(o, "RateLimit-Limit: ").put(o, limitHeader).put(o, "\r\nRateLimit-Remaining: ")
            .put(o, Long.toString(remaining)).put(o, "\r\n");
      }
      if (retryAfter) {
        put(o, "Retry-After: 1\r\n");
      }
      if (closeAfter || clientEof) {
        put(o, "Connection: close\r\n");
      }
      put(o, "\r\n");
    }

    private void copyFrom(ByteBuffer o, ByteBuffer b, int from, int to) {
      o.put(o.position(), b, from, to - from);
      o.position(o.position() + to - from);
    }

    private long number(ByteBuffer b, int from, int to) {
      long v = 0;
      int digits = 0;
      for (int i = from; i < to; i++) {
        int c = b.get(i);
        if (c == ' ' || c == '\t') {
          if (digits > 0 && i + 1 < to && b.get(i + 1) != ' ' && b.get(i + 1) != '\t') {
            return -1;
          }
          continue;
        }
        if (c < '0' || c > '9' || ++digits > 18) {
          return -1;
        }
        v = v * 10 + (c - '0');
      }
      return digits == 0 ? -1 : v;
    }

    /**
     * Takes [from, to) of the backend's buffer as this response's, up to its end if that is in it: as it is, or through
     * the compressor.
     */
    private void frame(Upstream u, int from, int to) {
      int end;
      switch (framing) {
        case NONE -> {
          end = from;
          responseDone = true;
        }
        case LENGTH -> {
          long take = Math.min(responseLeft, to - from);
          end = from + (int) take;
          responseLeft -= take;
          responseDone = responseLeft == 0;
        }
        case CHUNKED -> {
          int e = chunks.feed(u.buf, from, to, gzip); // a chunked body's data reaches the compressor from here
          if (e == ChunkEnd.BROKEN) {
            end = from;
            closeAfter = true;
            truncated = true;
            responseDone = true;
          } else {
            end = e >= 0 ? e : to;
            responseDone = e >= 0;
          }
        }
        default -> end = to;
      }
      if (end < to) {
        upstreamReusable = false; // it sent more than the response
      }
      if (gzip == null) {
        upRead = from;
        upEnd = end;
        bytes += end - from;
        return;
      }
      if (framing != Framing.CHUNKED) {
        gzip.input(u.buf, from, end);
      }
      upRead = to;
      upEnd = to;
      if (responseDone && !truncated) {
        gzip.finish();
      }
    }

    /** Writes the client's head, if not yet out, and the response bytes in hand; ends the request when all is out. */
    private void relay() throws IOException {
      Upstream u = up;
      if (u == null) {
        return;
      }
      ByteBuffer body;
      if (gzip != null) {
        body = gzip.out.flip();
      } else {
        body = u.buf.duplicate();
        body.limit(upEnd).position(upRead);
      }
      int before = body.remaining();
      if (out.hasRemaining() || body.hasRemaining()) {
        channel.write(new ByteBuffer[] {out, body});
      }
      boolean pending;
      if (gzip != null) {
        bytes += before - body.remaining();
        gzip.out.compact();
        pending = gzip.out.position() > 0;
      } else {
        upRead = body.position();
        pending = upRead < upEnd;
      }
      if (out.hasRemaining() || pending) {
        interest(SelectionKey.OP_WRITE);
        u.interest(0);
        return;
      }
      if (responseDone) {
        finish();
        return;
      }
      u.buf.clear();
      upRead = 0;
      upEnd = 0;
      u.interest(SelectionKey.OP_READ);
      interest(bodyLeft > 0 || in.hasRemaining() && !clientEof ? SelectionKey.OP_READ : 0);
    }

    /** The backend closed its side. */
    private void upstreamEnded(Upstream u) throws IOException {
      if (responseStarted && framing == Framing.UNTIL_CLOSE) {
        responseDone = true;
        upstreamReusable = false;
        if (gzip != null) {
          gzip.finish();
        }
        relay();
        return;
      }
      upstreamFailed(u, null);
    }

    /** Reading from or writing to the backend failed, or it closed too soon. */
    void upstreamFailed(Upstream u, IOException e) {
      try {
        if (u != up) {
          u.close();
          return;
        }
        if (responseStarted) {
          close(); // part of the answer is out: nothing to do but cut the client off too, as the Undertow path does
          return;
        }
        if (!u.connected) {
          refused(u.backend, e);
          return;
        }
        dropUpstream();
        failedOnce = true;
        pool.probe(backend);
        boolean nothingSent = out.position() == 0 && sendPos == head.end;
        if (nothingSent || head.idempotent && bodyKept) {
          retry();
        } else {
          answer(502, false);
        }
      } catch (IOException ex) {
        close();
      }
    }

    /** Closes the backend connection the request had, if any: what is on it is not wanted. */
    private void dropUpstream() {
      if (up != null) {
        Upstream u = up;
        up = null;
        u.close();
      }
    }

    private void refused(Backend b, IOException e) throws IOException {
      dropUpstream();
      pool.fail(b, "refused a connection (" + (e == null ? "closed" : e.getMessage()) + ")");
      failedOnce = true;
      retry();
    }

    /** Another backend, unless {@link UpstreamHandler#MAX_RETRIES} were tried. */
    private void retry() throws IOException {
      Backend[] next = java.util.Arrays.copyOf(tried, tried.length + 1);
      next[tried.length] = backend;
      tried = next;
      backend.leave();
      backend = null;
      Backend b = null;
      if (tried.length <= UpstreamHandler.MAX_RETRIES) {
        b = pool.select(tried);
        if (b == null) {
          b = pool.select(BackendPool.NONE); // a lone backend may only have dropped a stale keep-alive connection
        }
      }
      if (b == null) {
        answer(failedOnce ? 502 : 503, !failedOnce);
        return;
      }
      backend = b;
      connect();
    }

    /** No backend answered in {@code upstream_timeout}: 504, and the connection closes after it. */
    private void gatewayTimeout() throws IOException {
      dropUpstream();
      closeAfter = true;
      answer(504, false);
    }

    private void badGateway(Upstream u, String why) throws IOException {
      LOG.log(System.Logger.Level.WARNING, "backend {0} {1}; answered 502", backend.id(), why);
      dropUpstream(); // what else it sent is not read: the next request starts on a fresh connection
      answer(502, false);
    }

    /** An answer of the balancer's own for the request in hand, with the Undertow path's page. */
    private void answer(int code, boolean retryAfter) throws IOException {
      if (bodyLeft > 0) {
        closeAfter = true; // the rest of the body is not read
      }
      status = code;
      responseStarted = true;
      String page = ErrorPages.body(code, requestId, head.html);
      byte[] body = page.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      ByteBuffer o = out; // the request head is no longer needed: no retry once an answer came
      o.clear();
      put(o, "HTTP/1.1 ").put(o, Integer.toString(code)).put(o, " ")
          .put(o, io.undertow.util.StatusCodes.getReason(code)).put(o, "\r\nContent-Type: ")
          .put(o, ErrorPages.contentType(head.html)).put(o, "\r\nContent-Length: ").put(o, Integer.toString(body.length))
          .put(o, "\r\n");
      ourFields(o, retryAfter);
      o.put(body).flip();
      bytes = body.length;
      state = State.ANSWER;
      flushAnswer();
    }

    private void flushAnswer() throws IOException {
      channel.write(out);
      if (out.hasRemaining()) {
        interest(SelectionKey.OP_WRITE);
        return;
      }
      finish();
    }

    /** A new request on a draining balancer: 503 and close, as the Undertow path's shutdown gate answers. */
    private void refuseDraining(boolean parsed) throws IOException {
      metrics.requestStarted();
      holdsSlot = false;
      startNanos = System.nanoTime();
      startMillis = System.currentTimeMillis();
      requestId = RequestIdHandler.generate();
      limitHeader = null;
      backend = null;
      bodyLength = 0;
      bodyLeft = 0;
      sendPos = in.position();
      if (!parsed) {
        head.method = "-";
        head.path = "-";
        head.query = "";
      }
      out = loop.buffer();
      closeAfter = true;
      answer(503, false);
    }

    /** The client closed with a body still to come: the backend's half-sent request is dropped with its connection. */
    private void abort() {
      dropUpstream();
      end(ConcurrencyLimitHandler.CLIENT_CLOSED);
      close();
    }

    /** The response is out: counts and logs it, and goes on with the next request. */
    private void finish() throws IOException {
      Upstream u = up;
      up = null;
      if (u != null) {
        if (upstreamReusable && !truncated && backend.routable()) {
          u.buf.clear();
          loop.putIdle(u);
        } else {
          u.close();
        }
      }
      if (state == State.PROXY) {
        backend.served(); // an answer of the balancer's own is in ANSWER
      }
      end(status);
      if (closeAfter || clientEof) {
        close();
        return;
      }
      state = State.HEAD;
      inStart = Math.min(sendPos, in.position());
      head.reset();
      headStarted = false;
      since = System.nanoTime();
      interest(SelectionKey.OP_READ);
      nextHead();
    }

    /** Releases what the request held and counts and logs it; once per request. */
    private void end(int code) {
      if (state != State.PROXY && state != State.ANSWER) {
        return;
      }
      if (backend != null) {
        backend.leave();
      }
      if (holdsSlot) {
        holdsSlot = false;
        concurrency.release();
      }
      long nanos = System.nanoTime() - startNanos;
      metrics.response(code, nanos);
      metrics.requestEnded(); // last: a reader that sees nothing in flight sees this response counted
      if (accessLog != null) {
        accessLog.add(new AccessLog.Entry(startMillis, peer, head.method, head.path, head.query, "HTTP/1.1", code,
            bytes, nanos, requestId, head.userAgent, head.referer,
            backend != null ? backend.id() : tried.length > 0 ? tried[tried.length - 1].id() : null));
      }
      backend = null;
      loop.recycle(out);
      out = null;
      if (gzip != null) {
        loop.release(gzip);
        gzip = null;
      }
      state = State.HEAD;
    }

    // ---- timers

    void tick(long now) {
      Knobs k = opened;
      try {
        switch (state) {
          case HEAD -> {
            if (headStarted) {
              if (k.readTimeoutNanos() > 0 && now - since > k.readTimeoutNanos()) {
                close();
              }
            } else if (k.idleTimeoutNanos() > 0 && now - since > k.idleTimeoutNanos()) {
              close();
            }
          }
          case PROXY -> {
            if (!responseStarted && upstreamTimeoutNanos > 0 && now - startNanos > upstreamTimeoutNanos) {
              gatewayTimeout();
            }
          }
          default -> { }
        }
      } catch (IOException e) {
        close();
      }
    }

    // ---- handing over to the Undertow path

    private void handOff() throws IOException {
      metrics.handedOver();
      state = State.SPLICE;
      interest(0);
      inner = SocketChannel.open();
      inner.configureBlocking(false);
      inner.setOption(StandardSocketOptions.TCP_NODELAY, true);
      preamble = handoff.preamble(peer);
      Ready side = new Ready() {
        @Override
        public void ready(SelectionKey k) throws IOException {
          if (k.isConnectable()) {
            inner.finishConnect();
            innerKey.interestOps(SelectionKey.OP_READ);
            spliceToInner();
            return;
          }
          if (k.isWritable()) {
            spliceToInner();
          }
          if (k.isValid() && k.isReadable()) {
            spliceToClient();
          }
        }

        @Override
        public void failed(IOException e) {
          close();
        }
      };
      boolean now = inner.connect(handoffAddress);
      innerKey = inner.register(loop.selector, now ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, side);
      if (now) {
        spliceToInner();
      }
    }

    /** Client to Undertow: the preamble first, then every byte as it came. */
    private void spliceToInner() throws IOException {
      if (!inner.isConnected()) {
        return;
      }
      for (;;) {
        if (in != null) {
          ByteBuffer data = in.duplicate();
          data.limit(in.position()).position(inStart);
          inner.write(new ByteBuffer[] {preamble, data});
          inStart = data.position();
        } else if (preamble.hasRemaining()) {
          inner.write(preamble);
        }
        if (preamble.hasRemaining() || in != null && inStart < in.position()) {
          innerKey.interestOps(innerKey.interestOps() | SelectionKey.OP_WRITE);
          interest(key.interestOps() & ~SelectionKey.OP_READ);
          return;
        }
        releaseIn();
        if (clientEof) {
          innerKey.interestOps(innerKey.interestOps() & ~SelectionKey.OP_WRITE);
          inner.shutdownOutput();
          return;
        }
        int n = readClient();
        if (n < 0) {
          clientEof = true;
          interest(key.interestOps() & ~SelectionKey.OP_READ);
          inner.shutdownOutput();
          if (innerEof) {
            close();
          }
          return;
        }
        if (n == 0) {
          innerKey.interestOps(innerKey.interestOps() & ~SelectionKey.OP_WRITE);
          interest(key.interestOps() | SelectionKey.OP_READ);
          return;
        }
      }
    }

    /** Undertow to client. */
    private void spliceToClient() throws IOException {
      for (;;) {
        if (toClient != null) {
          toClient.flip();
          channel.write(toClient);
          if (toClient.hasRemaining()) {
            toClient.compact();
            interest(key.interestOps() | SelectionKey.OP_WRITE);
            innerKey.interestOps(innerKey.interestOps() & ~SelectionKey.OP_READ);
            return;
          }
          loop.recycle(toClient);
          toClient = null;
        }
        if (innerEof) {
          close();
          return;
        }
        int n = inner.read(loop.scratch());
        if (n > 0) {
          toClient = loop.takeScratch();
        }
        if (n < 0) {
          innerEof = true;
          continue;
        }
        if (n == 0) {
          interest(key.interestOps() & ~SelectionKey.OP_WRITE);
          innerKey.interestOps(innerKey.interestOps() | SelectionKey.OP_READ);
          return;
        }
      }
    }

    // ---- closing

    void close() {
      if (state == State.CLOSED) {
        return;
      }
      if (state == State.PROXY || state == State.ANSWER) {
        dropUpstream();
        end(responseStarted ? status : ConcurrencyLimitHandler.CLIENT_CLOSED);
      }
      state = State.CLOSED;
      key.cancel();
      IoUtils.safeClose(channel);
      if (inner != null) {
        innerKey.cancel();
        IoUtils.safeClose(inner);
      }
      giveBackIn();
      loop.recycle(toClient);
      toClient = null;
      loop.conns.remove(this);
      if (loop.conns.isEmpty()) {
        loop.trim(); // no more ticks until a connection comes
      }
      release.run();
    }
  }

  /**
   * One response compressed as {@link GzipHandler} compresses it (gzip, its level), sent as chunks: the body's bytes
   * go in as they come, and {@link #out} holds the chunks to write (in write mode: its data is [0, position)).
   */
  static final class Gzip implements ChunkEnd.Data {
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    final java.util.zip.Deflater deflater;
    private final java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    private final byte[] staging = new byte[8 * 1024];
    private long size;
    private boolean started;
    ByteBuffer out = ByteBuffer.allocate(2 * BUFFER_BYTES);

    Gzip(java.util.zip.Deflater deflater) {
      this.deflater = deflater;
    }

    @Override
    public void data(ByteBuffer b, int from, int to) {
      input(b, from, to);
    }

    /** Compresses b[from, to). */
    void input(ByteBuffer b, int from, int to) {
      if (to <= from) {
        return;
      }
      ByteBuffer in = b.duplicate();
      in.limit(to).position(from);
      crc.update(in.duplicate());
      size += to - from;
      deflater.setInput(in);
      while (!deflater.needsInput()) {
        int n = deflater.deflate(staging, 0, staging.length, java.util.zip.Deflater.NO_FLUSH);
        chunk(staging, n, false);
      }
    }

    /** The rest of the compressed stream, the gzip trailer and the last chunk. */
    void finish() {
      deflater.finish();
      while (!deflater.finished()) {
        int n = deflater.deflate(staging, 0, staging.length, java.util.zip.Deflater.NO_FLUSH);
        chunk(staging, n, false);
      }
      byte[] trailer = new byte[8];
      long c = crc.getValue();
      for (int i = 0; i < 4; i++) {
        trailer[i] = (byte) (c >>> (8 * i));
        trailer[4 + i] = (byte) (size >>> (8 * i));
      }
      chunk(trailer, 8, true);
    }

    private void chunk(byte[] data, int n, boolean last) {
      int header = started ? 0 : HEADER.length;
      int length = n + header;
      room(length + 24);
      if (length > 0) {
        out.put(Integer.toHexString(length).getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put((byte) '\r')
            .put((byte) '\n');
        if (!started) {
          out.put(HEADER);
          started = true;
        }
        out.put(data, 0, n).put((byte) '\r').put((byte) '\n');
      }
      if (last) {
        out.put((byte) '0').put((byte) '\r').put((byte) '\n').put((byte) '\r').put((byte) '\n');
      }
    }

    private void room(int needed) {
      if (out.remaining() < needed) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + needed));
        out.flip();
        bigger.put(out);
        out = bigger;
      }
    }
  }

  /**
   * Finds where a chunked body ends, following its framing across reads: size lines, data, the CRLF after it, and
   * the trailer section after the last chunk.
   */
  static final class ChunkEnd {
    static final int MORE = -1;
    static final int BROKEN = -2;
    private static final int SIZE = 0;
    private static final int EXTENSION = 1;
    private static final int DATA = 2;
    private static final int DATA_CR = 3;
    private static final int DATA_LF = 4;
    private static final int TRAILER_START = 5;
    private static final int TRAILER_LINE = 6;
    private static final int END_LF = 7;
    private static final int SIZE_LF = 8;
    private int state;
    private long size;
    private int digits;

    void reset() {
      state = SIZE;
      size = 0;
      digits = 0;
    }

    /** Where a chunked body's data goes as it is found. */
    interface Data {
      void data(ByteBuffer b, int from, int to);
    }

    /** The index just past the body's end in [from, to), {@link #MORE} when it goes on, {@link #BROKEN}. */
    int feed(ByteBuffer b, int from, int to) {
      return feed(b, from, to, null);
    }

    /** As {@link #feed(ByteBuffer, int, int)}, handing every run of data bytes to {@code sink}. */
    int feed(ByteBuffer b, int from, int to, Data sink) {
      int i = from;
      while (i < to) {
        if (state == DATA) {
          long take = Math.min(size, to - i);
          if (sink != null && take > 0) {
            sink.data(b, i, i + (int) take);
          }
          i += (int) take;
          size -= take;
          if (size == 0) {
            state = DATA_CR;
          }
          continue;
        }
        int c = b.get(i++);
        switch (state) {
          case SIZE -> {
            int d = Character.digit(c, 16);
            if (d >= 0) {
              if (++digits > 15) {
                return BROKEN;
              }
              size = size * 16 + d;
            } else if (digits == 0) {
              return BROKEN;
            } else if (c == '\r') {
              state = SIZE_LF;
            } else if (c == '\n') {
              state = afterSize();
            } else {
              state = EXTENSION;
            }
          }
          case EXTENSION -> {
            if (c == '\n') {
              state = afterSize();
            }
          }
          case SIZE_LF -> {
            if (c != '\n') {
              return BROKEN;
            }
            state = afterSize();
          }
          case DATA_CR -> {
            if (c == '\n') {
              state = SIZE;
            } else if (c == '\r') {
              state = DATA_LF;
            } else {
              return BROKEN;
            }
          }
          case DATA_LF -> {
            if (c != '\n') {
              return BROKEN;
            }
            state = SIZE;
          }
          case TRAILER_START -> {
            if (c == '\r') {
              state = END_LF;
            } else if (c == '\n') {
              return i;
            } else {
              state = TRAILER_LINE;
            }
          }
          case TRAILER_LINE -> {
            if (c == '\n') {
              state = TRAILER_START;
            }
          }
          case END_LF -> {
            if (c != '\n') {
              return BROKEN;
            }
            return i;
          }
          default -> {
            return BROKEN;
          }
        }
      }
      return MORE;
    }

    private int afterSize() {
      digits = 0;
      return size == 0 ? TRAILER_START : DATA;
    }
  }
}
