package dev.drover.balancer;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A bounded, continuous GET load: {@code threads} clients, {@code perThread} requests each, failures kept. */
final class TestLoad implements AutoCloseable {
  final AtomicInteger completed = new AtomicInteger();
  final List<String> failures = new CopyOnWriteArrayList<>();
  final Map<String, AtomicInteger> byBackend = new ConcurrentHashMap<>();
  private final List<Thread> threads = new ArrayList<>();

  TestLoad(TestClient client, int threads, int perThread) {
    for (int t = 0; t < threads; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < perThread; i++) {
          try {
            HttpResponse<String> r = client.get("/");
            if (r.statusCode() == 200) {
              byBackend.computeIfAbsent(r.body(), k -> new AtomicInteger()).incrementAndGet();
            } else {
              failures.add(r.statusCode() + " " + r.body().lines().findFirst().orElse(""));
            }
          } catch (RuntimeException e) {
            failures.add(e.toString());
          }
          completed.incrementAndGet();
        }
      }, "test-load-" + t);
      thread.setDaemon(true);
      this.threads.add(thread);
    }
    this.threads.forEach(Thread::start);
  }

  void awaitCompleted(int n) {
    BalancerTest.awaitTrue(() -> completed.get() >= n || !running());
  }

  boolean running() {
    return threads.stream().anyMatch(Thread::isAlive);
  }

  int served(String backend) {
    AtomicInteger n = byBackend.get(backend);
    return n == null ? 0 : n.get();
  }

  /** Waits for the load to finish; fails if it takes longer than {@code seconds}. */
  void join(int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    for (Thread t : threads) {
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      if (t.isAlive()) {
        throw new AssertionError("load still running after " + seconds + " s");
      }
    }
  }

  @Override
  public void close() {
    threads.forEach(Thread::interrupt);
  }
}
