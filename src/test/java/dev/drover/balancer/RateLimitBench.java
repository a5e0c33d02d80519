package dev.drover.balancer;

import dev.drover.config.Rate;
import dev.drover.config.RateLimitSettings;
import dev.drover.config.RouteRule;
import io.github.bucket4j.TimeMeter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints what the rate limits cost: nanoseconds and bytes allocated per decision on an existing bucket, heap
 * bytes per stored bucket, and how long a sweep of a full store takes. Not a test and not run by the build;
 * one thread, no JMH, so take the figures as orders of magnitude. Run it with
 * {@code java -cp target/classes:target/test-classes:<deps> dev.drover.balancer.RateLimitBench}.
 */
public final class RateLimitBench {
  private static final int CALLS = 20_000_000;

  private RateLimitBench() {
  }

  public static void main(String[] args) throws Exception {
    InetAddress client = InetAddress.getByName("203.0.113.9");
    Rate huge = new Rate(1_000_000_000L, java.time.Duration.ofSeconds(1)); // never refuses
    decisions("default limit only", limits(huge), client, "GET", "/shop/item");
    decisions("default + 3 route rules, one matching", limits(huge,
        new RouteRule("/login", "POST", huge, 0), new RouteRule("/api/*", "", huge, 0),
        new RouteRule("/shop/*", "GET", huge, 0)), client, "GET", "/shop/item");
    decisions("refused: drained default bucket", limits(Rate.parse("1/hour")), client, "GET", "/shop/item");
    footprint();
  }

  private static RateLimitHandler.Limits limits(Rate rate, RouteRule... routes) {
    var settings = TestSettings.balancer().rateLimit(new RateLimitSettings(true, rate, 0, List.of(routes))).build();
    return new RateLimitHandler(settings, new Metrics(), exchange -> { }).limits();
  }

  private static void decisions(String what, RateLimitHandler.Limits limits, InetAddress client, String method,
      String path) {
    for (int i = 0; i < 2_000_000; i++) {
      limits.decide(client, method, path); // warm up
    }
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long allocated = threads.getThreadAllocatedBytes(id);
    long refused = 0;
    long start = System.nanoTime();
    for (int i = 0; i < CALLS; i++) {
      if (!limits.decide(client, method, path).probe().isConsumed()) {
        refused++;
      }
    }
    long nanos = System.nanoTime() - start;
    long bytes = threads.getThreadAllocatedBytes(id) - allocated;
    System.out.printf("decide, %-38s %6.1f ns/op %6.1f B/op allocated  (%d refused)%n", what,
        nanos / (double) CALLS, bytes / (double) CALLS, refused);
  }

  /** Heap per entry of a full store, read as used heap after GC with the store alive, minus before. */
  private static void footprint() throws Exception {
    Runtime rt = Runtime.getRuntime();
    long before = usedAfterGc(rt);
    BucketStore store = new BucketStore(Rate.parse("200/minute"), 200, BucketStore.MAX_ENTRIES,
        TimeMeter.SYSTEM_NANOTIME, Runnable::run);
    for (int i = 0; i < BucketStore.MAX_ENTRIES; i++) {
      store.bucketFor(BucketStoreTest.address(i)).tryConsume(1 + i % 200);
    }
    long after = usedAfterGc(rt);
    System.out.printf("store of %,d buckets: %,d bytes, %.0f bytes per entry (IPv4 key, node, table, bucket)%n",
        store.size(), after - before, (after - before) / (double) store.size());
    List<Long> sweeps = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long start = System.nanoTime();
      store.bucketFor(BucketStoreTest.address(BucketStore.MAX_ENTRIES + i * 20_000)); // full: evicts a tenth
      sweeps.add((System.nanoTime() - start) / 1_000);
      for (int j = 1; j < 10_000; j++) {
        store.bucketFor(BucketStoreTest.address(BucketStore.MAX_ENTRIES + i * 20_000 + j)).tryConsume(1);
      }
    }
    System.out.printf("sweep of a full store with no idle bucket, evicting 10,000: %s us%n", sweeps);
  }

  private static long usedAfterGc(Runtime rt) throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
