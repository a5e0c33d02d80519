import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A throw-away prototype, for measurement only: the least a plain-HTTP/1.1 front on a java.nio selector loop does
 * per request. Each client connection is paired with one keep-alive backend connection (round robin); both stay
 * registered for reads for good (no interest changes per request); a request head is found, two forwarded headers
 * are added and the head leaves in one gathering write; the response's end is known from its Content-Length, so the
 * backend is never read to EAGAIN. GET only, no bodies, no pipelining, no error handling beyond closing the pair:
 * not a proxy, the floor of one.
 *
 * <p>{@code java NioFront.java <port> <backend port,...> [threads]}
 */
public final class NioFront {
  private static final byte[] FORWARDED = "X-Forwarded-For: 127.0.0.1\r\nX-Forwarded-Proto: http\r\n\r\n"
      .getBytes(StandardCharsets.ISO_8859_1);

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String[] ports = args[1].split(",");
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    Loop[] loops = new Loop[threads];
    for (int i = 0; i < threads; i++) {
      loops[i] = new Loop();
      Thread t = new Thread(loops[i], "nio-loop-" + i);
      t.start();
    }
    ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress("127.0.0.1", port), 1000);
    System.out.println("nio front listening on " + port);
    for (int n = 0; ; n++) {
      SocketChannel client = server.accept();
      SocketChannel backend = SocketChannel.open(new InetSocketAddress("127.0.0.1", Integer.parseInt(ports[n % ports.length])));
      loops[n % threads].add(new Pair(client, backend));
    }
  }

  static final class Loop implements Runnable {
    final Selector selector;
    final Queue<Pair> fresh = new ConcurrentLinkedQueue<>();

    Loop() throws IOException {
      selector = Selector.open();
    }

    void add(Pair p) {
      fresh.add(p);
      selector.wakeup();
    }

    @Override
    public void run() {
      try {
        while (true) {
          selector.select();
          Pair p;
          while ((p = fresh.poll()) != null) {
            p.register(selector);
          }
          Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
          while (keys.hasNext()) {
            SelectionKey k = keys.next();
            keys.remove();
            Pair pair = (Pair) k.attachment();
            try {
              if (k.channel() == pair.client) {
                pair.clientReadable();
              } else {
                pair.backendReadable();
              }
            } catch (IOException | RuntimeException e) {
              pair.close();
            }
          }
        }
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    }
  }

  static final class Pair {
    final SocketChannel client;
    final SocketChannel backend;
    final ByteBuffer request = ByteBuffer.allocateDirect(16 * 1024);
    final ByteBuffer response = ByteBuffer.allocateDirect(16 * 1024);
    final ByteBuffer forwarded = ByteBuffer.allocateDirect(FORWARDED.length).put(FORWARDED);
    final ByteBuffer[] head = new ByteBuffer[2];
    /** Response bytes still to come; -1 while its head is not complete. */
    long remaining = -1;
    int scanned;

    Pair(SocketChannel client, SocketChannel backend) throws IOException {
      this.client = client;
      this.backend = backend;
      client.configureBlocking(false);
      backend.configureBlocking(false);
      client.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
      backend.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
    }

    void register(Selector selector) throws IOException {
      client.register(selector, SelectionKey.OP_READ, this);
      backend.register(selector, SelectionKey.OP_READ, this);
    }

    void clientReadable() throws IOException {
      if (client.read(request) < 0) {
        close();
        return;
      }
      int end = find(request, scanned);
      if (end < 0) {
        scanned = Math.max(0, request.position() - 3);
        return;
      }
      // the head without its empty line, then the forwarded headers and the empty line: one writev
      ByteBuffer h = request.duplicate();
      h.flip();
      h.limit(end - 2);
      forwarded.rewind();
      head[0] = h;
      head[1] = forwarded;
      while (h.hasRemaining() || forwarded.hasRemaining()) {
        backend.write(head);
      }
      request.clear();
      scanned = 0;
      remaining = -1;
    }

    void backendReadable() throws IOException {
      int n = backend.read(response);
      if (n < 0) {
        close();
        return;
      }
      if (remaining < 0) {
        int end = find(response, 0);
        if (end < 0) {
          return; // head not complete yet
        }
        remaining = end + contentLength(response, end) - response.position();
      } else {
        remaining -= n;
      }
      response.flip();
      while (response.hasRemaining()) {
        client.write(response);
      }
      response.clear();
    }

    void close() {
      try {
        client.close();
        backend.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }

    /** Index just past CRLFCRLF in buf[from, position), or -1. */
    static int find(ByteBuffer buf, int from) {
      for (int i = from; i + 3 < buf.position(); i++) {
        if (buf.get(i) == '\r' && buf.get(i + 1) == '\n' && buf.get(i + 2) == '\r' && buf.get(i + 3) == '\n') {
          return i + 4;
        }
      }
      return -1;
    }

    static long contentLength(ByteBuffer buf, int end) {
      // case-insensitive search for "\ncontent-length:" in the head
      outer:
      for (int i = 0; i + 16 < end; i++) {
        String key = "\ncontent-length:";
        for (int j = 0; j < key.length(); j++) {
          int b = buf.get(i + j) | 0x20;
          if (b != (key.charAt(j) | 0x20)) {
            continue outer;
          }
        }
        long v = 0;
        for (int p = i + key.length(); p < end; p++) {
          byte c = buf.get(p);
          if (c >= '0' && c <= '9') {
            v = v * 10 + (c - '0');
          } else if (c != ' ') {
            break;
          }
        }
        return v;
      }
      return 0;
    }
  }
}
