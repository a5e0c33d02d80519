package dev.drover.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** Steady GETs from a few threads until stopped or a hard cap: a bounded load that stops by itself. */
public final class Load implements AutoCloseable {
  private static final Duration HARD_CAP = Duration.ofMinutes(3);

  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  private final List<Thread> threads = new ArrayList<>();

  public static Load start(URI uri, int threads) {
    return start(client(), uri, threads);
  }

  /** A client as the load uses it; share one between loads to compare what the server holds open. */
  public static HttpClient client() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** Load through the given client, whose pooled connections outlive the load. */
  public static Load start(HttpClient client, URI uri, int threads) {
    Load load = new Load();
    long deadline = System.nanoTime() + HARD_CAP.toNanos();
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).GET().build();
        while (load.running.get() && System.nanoTime() < deadline) {
          try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
              load.ok.incrementAndGet();
            } else {
              load.fail(r.statusCode() + " " + r.body().strip());
            }
          } catch (Exception e) {
            load.fail(e.toString());
          }
        }
      }, "load-" + i);
      t.setDaemon(true);
      t.start();
      load.threads.add(t);
    }
    return load;
  }

  private void fail(String what) {
    failed.incrementAndGet();
    if (failures.size() < 20) {
      failures.add(what);
    }
  }

  public long ok() {
    return ok.get();
  }

  public long failed() {
    return failed.get();
  }

  public List<String> failures() {
    return List.copyOf(failures);
  }

  /** Waits until at least n more requests succeeded, or the timeout passed. */
  public void awaitMore(long n, Duration timeout) throws InterruptedException {
    long target = ok.get() + n;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (ok.get() < target && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    for (Thread t : threads) {
      t.join(30_000);
    }
  }
}
