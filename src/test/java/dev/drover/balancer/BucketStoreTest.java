package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drover.config.Rate;
import io.github.bucket4j.TimeMeter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BucketStoreTest {
  private final FakeClock clock = new FakeClock();

  /** A clock the test moves by hand, so refills happen exactly when the test says. */
  static final class FakeClock implements TimeMeter {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    void advance(Duration d) {
      nanos.addAndGet(d.toNanos());
    }

    @Override
    public long currentTimeNanos() {
      return nanos.get();
    }

    @Override
    public boolean isWallClockBased() {
      return false;
    }
  }

  /** Distinct IPv4 addresses: 10.x.y.z from a number. */
  static InetAddress address(int n) {
    try {
      return InetAddress.getByAddress(new byte[] {10, (byte) (n >> 16), (byte) (n >> 8), (byte) n});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int present(BucketStore store, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      if (store.existing(address(i)) != null) {
        n++;
      }
    }
    return n;
  }

  @Test
  void staysUnderItsCapWith200000DistinctClients() {
    BucketStore store = new BucketStore(Rate.parse("200/minute"), 200, BucketStore.MAX_ENTRIES, clock, Runnable::run);
    int largest = 0;
    for (int i = 0; i < 200_000; i++) {
      assertThat(store.bucketFor(address(i)).tryConsume(1)).isTrue();
      largest = Math.max(largest, store.size());
    }

    assertThat(largest).isEqualTo(BucketStore.MAX_ENTRIES);
    assertThat(present(store, 0, 200_000)).as("the counter matches the map").isEqualTo(store.size());
    assertThat(store.size()).isBetween(BucketStore.MAX_ENTRIES * 9 / 10, BucketStore.MAX_ENTRIES);
    assertThat(present(store, 190_000, 200_000)).as("the newest clients are kept").isEqualTo(10_000);
  }

  @Test
  void staysUnderItsCapWhenManyThreadsAddClients() throws Exception {
    ExecutorService sweeper = Executors.newSingleThreadExecutor();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    BucketStore store = new BucketStore(Rate.parse("200/minute"), 200, 10_000, TimeMeter.SYSTEM_NANOTIME, sweeper);
    AtomicInteger largest = new AtomicInteger();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int base = t * 50_000;
        done.add(pool.submit(() -> {
          for (int i = 0; i < 50_000; i++) {
            store.bucketFor(address(base + i)).tryConsume(1);
            largest.accumulateAndGet(store.size(), Math::max);
          }
        }));
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
      sweeper.submit(() -> { }).get(10, TimeUnit.SECONDS); // the last sweep is done
    } finally {
      pool.shutdownNow();
      sweeper.shutdownNow();
    }

    assertThat(largest.get()).isLessThanOrEqualTo(10_000);
    assertThat(present(store, 0, 200_000)).isEqualTo(store.size());
  }

  @Test
  void aFullStoreSweepsOnItsExecutorAndMeanwhileKeepsNoNewBucket() {
    List<Runnable> queued = new ArrayList<>();
    BucketStore store = new BucketStore(Rate.parse("10/minute"), 10, 100, clock, queued::add);
    for (int i = 0; i < 100; i++) {
      store.bucketFor(address(i)).tryConsume(10);
    }

    assertThat(store.bucketFor(address(100)).tryConsume(10)).as("a new client gets one burst").isTrue();
    assertThat(store.bucketFor(address(101)).tryConsume(1)).isTrue();
    assertThat(queued).as("one sweep asked for, none run on the request thread").hasSize(1);
    assertThat(store.size()).isEqualTo(100);
    assertThat(store.existing(address(100))).isNull();

    queued.get(0).run();
    assertThat(store.size()).isEqualTo(90);
    store.bucketFor(address(100));
    assertThat(store.existing(address(100))).isNotNull();
  }

  @Test
  void whenFullIdleBucketsGoAndDrainedOnesStay() {
    BucketStore store = new BucketStore(Rate.parse("10/minute"), 10, 1_000, clock, Runnable::run);
    for (int i = 0; i < 500; i++) {
      assertThat(store.bucketFor(address(i)).tryConsume(10)).isTrue(); // an attacker's, empty
    }
    for (int i = 500; i < 1_000; i++) {
      store.bucketFor(address(i)).tryConsume(1); // a visitor's, one request
    }
    clock.advance(Duration.ofSeconds(6)); // one token back: visitors are full again, attackers have 1

    store.bucketFor(address(1_000));

    assertThat(present(store, 0, 500)).as("drained buckets are kept").isEqualTo(500);
    assertThat(present(store, 500, 1_000)).as("full buckets carry nothing").isZero();
    assertThat(store.existing(address(1_000))).isNotNull();
    assertThat(store.bucketFor(address(0)).tryConsume(2)).as("the kept bucket still knows").isFalse();
  }

  @Test
  void whenNothingIsIdleTheFullestBucketsGoFirst() {
    BucketStore store = new BucketStore(Rate.parse("16/minute"), 16, 1_000, clock, Runnable::run);
    for (int i = 0; i < 1_000; i++) {
      store.bucketFor(address(i)).tryConsume(i % 2 == 0 ? 16 : 1); // even: drained, odd: nearly full
    }

    store.bucketFor(address(1_000));

    assertThat(store.size()).isLessThanOrEqualTo(901);
    assertThat(present(store, 0, 1_000)).isEqualTo(store.size() - 1);
    int drainedKept = 0;
    for (int i = 0; i < 1_000; i += 2) {
      drainedKept += store.existing(address(i)) != null ? 1 : 0;
    }
    assertThat(drainedKept).as("a drained bucket is the last to go").isEqualTo(500);
  }

  @Test
  void idleBucketsExpireOnceTheyHaveRefilled() {
    BucketStore store = new BucketStore(Rate.parse("10/minute"), 10, 1_000, clock, Runnable::run);
    for (int i = 0; i < 100; i++) {
      store.bucketFor(address(i)).tryConsume(5);
    }
    clock.advance(Duration.ofSeconds(29)); // 4.8 tokens back: not full yet
    store.bucketFor(address(100));
    assertThat(store.size()).isEqualTo(101);

    clock.advance(Duration.ofSeconds(31)); // a minute: everyone is full, and the sweep is due
    store.bucketFor(address(101));

    assertThat(store.size()).as("only the newcomer is left").isEqualTo(1);
    assertThat(store.existing(address(101))).isNotNull();
  }

  @Test
  void aSweepWaitsForTheRefillTimeWithinItsBounds() {
    BucketStore fast = new BucketStore(Rate.parse("100/second"), 100, 1_000, clock, Runnable::run);
    fast.bucketFor(address(1)).tryConsume(1);
    clock.advance(Duration.ofMillis(500)); // full again, but a sweep waits at least MIN_SWEEP
    fast.bucketFor(address(2));
    assertThat(fast.size()).isEqualTo(2);
    clock.advance(BucketStore.MIN_SWEEP);
    fast.bucketFor(address(3));
    assertThat(fast.size()).isEqualTo(1);

    BucketStore slow = new BucketStore(Rate.parse("1000/day"), 1000, 1_000, clock, Runnable::run);
    slow.bucketFor(address(1));
    clock.advance(BucketStore.MAX_SWEEP);
    slow.bucketFor(address(2));
    assertThat(slow.size()).as("untouched buckets are full and go within MAX_SWEEP").isEqualTo(1);
  }
}
