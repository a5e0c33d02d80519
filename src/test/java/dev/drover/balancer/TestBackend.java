package dev.drover.balancer;

import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.xnio.Options;

/**
 * A real Undertow server on a free loopback port standing in for a worker process. It answers with its id;
 * {@code /sleep/N} waits N ms first, {@code /headers} lists the request head, {@code /echo} returns the body
 * length, {@code /drop} closes the connection without an answer. Every request is counted.
 */
final class TestBackend implements AutoCloseable {
  final String id;
  final AtomicLong hits = new AtomicLong();
  final AtomicInteger active = new AtomicInteger();
  /** Requests to {@code /drop}, answered by closing the connection. */
  final AtomicInteger drops = new AtomicInteger();
  /** How often each X-Request-Id arrived here. */
  final Map<String, Integer> requestIds = new ConcurrentHashMap<>();
  private final Undertow server;
  private volatile boolean stopped;

  private TestBackend(String id) {
    this.id = id;
    this.server = Undertow.builder()
        .addHttpListener(0, "127.0.0.1")
        .setIoThreads(1)
        .setWorkerThreads(32)
        .setWorkerOption(Options.WORKER_NAME, "test-backend-" + id)
        .setHandler(new Handler())
        .build();
    server.start();
  }

  static TestBackend start(String id) {
    return new TestBackend(id);
  }

  URI uri() {
    InetSocketAddress a = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
    return URI.create("http://127.0.0.1:" + a.getPort());
  }

  long hits() {
    return hits.get();
  }

  /** Closes the listener and every connection without answering what is in flight, as a crashing worker would. */
  void stopAbruptly() {
    close();
  }

  @Override
  public void close() {
    if (!stopped) {
      stopped = true;
      server.stop();
    }
  }

  /** What {@code /bytes/<n>} and {@code /stream/<n>} send: byte i is {@code 'a' + i % 26}. */
  static byte[] pattern(int n) {
    byte[] bytes = new byte[n];
    for (int i = 0; i < n; i++) {
      bytes[i] = (byte) ('a' + i % 26);
    }
    return bytes;
  }

  private final class Handler implements HttpHandler {
    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
      // plain GET / is answered on the IO thread: a stopping Undertow answers requests it can no longer
      // dispatch with a bare 503 of its own, which is a shutdown, not the crash these tests simulate
      if (exchange.isInIoThread() && !exchange.getRequestPath().equals("/")) {
        exchange.dispatch(this);
        return;
      }
      hits.incrementAndGet();
      String requestId = exchange.getRequestHeaders().getFirst("X-Request-Id");
      if (requestId != null) {
        requestIds.merge(requestId, 1, Integer::sum);
      }
      active.incrementAndGet();
      try {
        String path = exchange.getRequestPath();
        String body = id;
        if (path.equals("/drop")) {
          drops.incrementAndGet();
          exchange.getConnection().close(); // a worker dying mid-request
          return;
        } else if (path.startsWith("/sleep/")) {
          Thread.sleep(Long.parseLong(path.substring("/sleep/".length())));
        } else if (path.equals("/headers")) {
          StringBuilder sb = new StringBuilder();
          for (HeaderValues values : exchange.getRequestHeaders()) {
            for (String v : values) {
              sb.append(values.getHeaderName()).append(": ").append(v).append('\n');
            }
          }
          body = sb.toString();
        } else if (path.equals("/echo")) {
          exchange.startBlocking();
          body = id + " " + exchange.getInputStream().readAllBytes().length;
        } else if (path.startsWith("/bytes/") || path.startsWith("/stream/")) {
          // n bytes of a repeating pattern: with Content-Length, or streamed in flushed pieces (chunked)
          boolean stream = path.startsWith("/stream/");
          int n = Integer.parseInt(path.substring(path.lastIndexOf('/') + 1));
          byte[] bytes = pattern(n);
          exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/octet-stream");
          exchange.startBlocking();
          if (!stream) {
            exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, n);
          }
          java.io.OutputStream out = exchange.getOutputStream();
          for (int i = 0; i < n; i += 8192) {
            out.write(bytes, i, Math.min(8192, n - i));
            if (stream) {
              out.flush();
            }
          }
          out.close();
          return;
        }
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
        exchange.getResponseSender().send(body);
      } finally {
        active.decrementAndGet();
      }
    }
  }
}
