package dev.drover.balancer;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Prints GET throughput straight to one in-process backend and through the balancer to three, for a rough
 * feel of the proxy's cost. Not a test and not run by the build: every party shares this JVM and the
 * machine's cores, so compare the two figures of one run only. Run it with
 * {@code java -cp target/classes:target/test-classes:<deps> dev.drover.balancer.BalancerBench [seconds] [connections]}.
 */
public final class BalancerBench {
  private static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: bench\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

  private BalancerBench() {
  }

  public static void main(String[] args) throws Exception {
    Duration run = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 2);
    int connections = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    List<TestBackend> backends = List.of(TestBackend.start("a"), TestBackend.start("b"), TestBackend.start("c"));
    Balancer balancer = new Balancer(TestSettings.balancer().build(), (id, why) -> System.out.println(id + " failed: " + why));
    try {
      for (TestBackend b : backends) {
        balancer.admit(b.id, b.uri());
      }
      balancer.start();
      InetSocketAddress direct = new InetSocketAddress("127.0.0.1", backends.get(0).uri().getPort());
      measure(direct, connections, Duration.ofMillis(500));
      measure(balancer.boundAddress(), connections, Duration.ofMillis(500));
      double straight = measure(direct, connections, run);
      double proxied = measure(balancer.boundAddress(), connections, run);
      System.out.printf("GET /, %d keep-alive connections, %d s each%n", connections, run.toSeconds());
      System.out.printf("  direct to one backend      %,10.0f req/s%n", straight);
      System.out.printf("  balancer to three backends %,10.0f req/s  (%.2fx direct)%n", proxied, proxied / straight);
    } finally {
      balancer.stop(Duration.ofSeconds(1));
      backends.forEach(TestBackend::close);
    }
  }

  /** Requests per second over {@code connections} keep-alive connections, one thread each. */
  private static double measure(InetSocketAddress target, int connections, Duration run) throws InterruptedException {
    LongAdder done = new LongAdder();
    LongAdder errors = new LongAdder();
    long end = System.nanoTime() + run.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      Thread t = new Thread(() -> {
        try (Socket s = new Socket(target.getAddress(), target.getPort())) {
          s.setTcpNoDelay(true);
          OutputStream out = s.getOutputStream();
          InputStream in = new BufferedInputStream(s.getInputStream());
          while (System.nanoTime() < end) {
            out.write(REQUEST);
            out.flush();
            if (readResponse(in) == 200) {
              done.increment();
            } else {
              errors.increment();
            }
          }
        } catch (IOException e) {
          errors.increment();
        }
      }, "bench-client-" + i);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    if (errors.sum() > 0) {
      System.out.println("  (" + errors.sum() + " errors against " + target + ")");
    }
    return done.sum() / (run.toNanos() / 1e9);
  }

  /** Reads one response with a Content-Length body and returns its status. */
  private static int readResponse(InputStream in) throws IOException {
    String status = line(in);
    long length = 0;
    for (String h = line(in); !h.isEmpty(); h = line(in)) {
      if (h.regionMatches(true, 0, "Content-Length:", 0, 15)) {
        length = Long.parseLong(h.substring(15).trim());
      }
    }
    for (long skipped = 0; skipped < length; ) {
      long n = in.skip(length - skipped);
      if (n <= 0) {
        throw new IOException("connection closed in a body");
      }
      skipped += n;
    }
    return Integer.parseInt(status.substring(9, 12));
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("connection closed");
      }
      if (c != '\r') {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }
}
