package dev.drover.balancer;

import dev.drover.config.Rate;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.BucketListener;
import io.github.bucket4j.MathType;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.LockFreeBucket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The token buckets of one rate limit, one per client address, in bounded memory. A bucket holds
 * {@code capacity} tokens and refills at the limit's rate; a request takes one.
 *
 * <p>A bucket that has refilled completely carries no information: a new one would be the same. A sweep
 * drops those. One starts when a new client arrives and the last sweep is older than the time an empty bucket
 * takes to refill (between {@link #MIN_SWEEP} and {@link #MAX_SWEEP}), so memory follows the clients seen
 * recently; a store nobody new reaches keeps its buckets until someone does, within the cap. A sweep reads
 * every bucket (tens of milliseconds for a full store), so it runs on the {@code sweeper} executor, never on
 * the request thread that started it.
 *
 * <p>The store never holds more than its cap. When it is full, a sweep drops the idle buckets and, if fewer
 * than a tenth of the cap were idle, the fullest of the others until a tenth is free, because a bucket that
 * restarts full then gives away the fewest tokens. Until that sweep is done, a new client is served from a
 * bucket that is not kept, which is no more than a new client gets anyway: one burst. The trade-off: a client owning more addresses than the cap
 * can push busy buckets out, and an evicted address (its own, or a bystander's) starts again with a full
 * bucket; each eviction costs the limit at most one burst. Per-address limits cannot stop a client with that
 * many addresses anyway, and the alternatives are worse: a store that refused new clients when full would let
 * it lock everyone else out, and one that grew would let it exhaust the heap.
 */
final class BucketStore {
  /**
   * Most clients one limit keeps a bucket for, as many as the generated HAProxy stick tables hold. An entry
   * (IPv4 address key, map node and table slot, Bucket4j lock-free bucket with its state) measured about 320
   * bytes of heap, so a full store is about 32 MB per limit. 100,000 addresses active within one refill period
   * is far more than one drover host serves honest clients from.
   */
  static final int MAX_ENTRIES = 100_000;
  /** The shortest pause between two idle sweeps, so a short refill time does not turn into a busy loop. */
  static final Duration MIN_SWEEP = Duration.ofSeconds(1);
  /** The longest, so a day-long limit still lets idle buckets go within a minute of refilling. */
  static final Duration MAX_SWEEP = Duration.ofMinutes(1);
  /** A sweep of a full store frees down to this share of the cap, so a flood sweeps once per tenth of it. */
  private static final int LOW_WATER_PERCENT = 90;
  /** Fill levels that busy buckets are sorted into when some must go; the fullest go first. */
  private static final int LEVELS = 16;

  private final ConcurrentHashMap<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();
  /** Entries in the map, counted by us: reserving a slot before inserting makes the cap exact. */
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicBoolean sweeping = new AtomicBoolean();
  /** One configuration shared by every bucket, rather than one built per bucket. */
  private final BucketConfiguration configuration;
  private final long capacity;
  private final int maxEntries;
  private final int lowWater;
  private final TimeMeter clock;
  private final Executor sweeper;
  private final long sweepEveryNanos;
  private volatile long nextSweepNanos;

  BucketStore(Rate rate, long capacity, int maxEntries, TimeMeter clock, Executor sweeper) {
    if (capacity <= 0 || maxEntries <= 0) {
      throw new IllegalArgumentException("capacity and maxEntries must be positive");
    }
    this.configuration = BucketConfiguration.builder()
        .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(rate.count(), rate.period()).build())
        .build();
    this.capacity = capacity;
    this.maxEntries = maxEntries;
    this.lowWater = (int) ((long) maxEntries * LOW_WATER_PERCENT / 100);
    this.clock = clock;
    this.sweeper = sweeper;
    double refillNanos = (double) capacity * rate.period().toNanos() / rate.count();
    this.sweepEveryNanos = (long) Math.max(MIN_SWEEP.toNanos(), Math.min(MAX_SWEEP.toNanos(), refillNanos));
    this.nextSweepNanos = clock.currentTimeNanos() + sweepEveryNanos;
  }

  /** The client's bucket, made on its first request. */
  Bucket bucketFor(InetAddress client) {
    Bucket bucket = buckets.get(client);
    return bucket != null ? bucket : admit(client);
  }

  /** The client's bucket if it has one, else null. */
  Bucket existing(InetAddress client) {
    return buckets.get(client);
  }

  long capacity() {
    return capacity;
  }

  int size() {
    return size.get();
  }

  private Bucket admit(InetAddress client) {
    long now = clock.currentTimeNanos();
    boolean full = size.get() >= maxEntries;
    if (full || now - nextSweepNanos >= 0) {
      startSweep(now, full);
    }
    Bucket fresh = new LockFreeBucket(configuration, MathType.INTEGER_64_BITS, clock, BucketListener.NOPE);
    if (!reserveSlot()) {
      // full until the sweep is done: serve this client from a bucket nobody keeps, as a new client
      return fresh;
    }
    Bucket raced = buckets.putIfAbsent(client, fresh);
    if (raced != null) {
      size.decrementAndGet();
      return raced;
    }
    return fresh;
  }

  /** Counts a new entry unless the store is full; the count never passes the cap, even for a moment. */
  private boolean reserveSlot() {
    int n;
    do {
      n = size.get();
      if (n >= maxEntries) {
        return false;
      }
    } while (!size.compareAndSet(n, n + 1));
    return true;
  }

  /** One sweep at a time; a request that finds one running carries on. */
  private void startSweep(long now, boolean full) {
    if (!sweeping.compareAndSet(false, true)) {
      return;
    }
    nextSweepNanos = now + sweepEveryNanos;
    try {
      sweeper.execute(() -> {
        try {
          sweep(full);
        } finally {
          sweeping.set(false);
        }
      });
    } catch (RejectedExecutionException e) {
      sweeping.set(false);
    }
  }

  private void sweep(boolean full) {
    int[] levels = new int[LEVELS];
    for (Map.Entry<InetAddress, Bucket> e : buckets.entrySet()) {
      long tokens = e.getValue().getAvailableTokens();
      if (tokens >= capacity) {
        remove(e);
      } else {
        levels[level(tokens)]++;
      }
    }
    if (!full) {
      return;
    }
    int excess = size.get() - lowWater;
    int threshold = LEVELS;
    for (int counted = 0; threshold > 0 && counted < excess; ) {
      threshold--;
      counted += levels[threshold];
    }
    excess = evict(threshold, excess);
    evict(0, excess); // levels moved while we looked: take whatever comes to make room all the same
  }

  /** Removes up to {@code excess} buckets filled to {@code minLevel} or more; returns how many are still due. */
  private int evict(int minLevel, int excess) {
    Iterator<Map.Entry<InetAddress, Bucket>> it = buckets.entrySet().iterator();
    int due = excess;
    while (due > 0 && it.hasNext()) {
      Map.Entry<InetAddress, Bucket> e = it.next();
      if ((minLevel == 0 || level(e.getValue().getAvailableTokens()) >= minLevel) && remove(e)) {
        due--;
      }
    }
    return due;
  }

  private boolean remove(Map.Entry<InetAddress, Bucket> e) {
    if (buckets.remove(e.getKey(), e.getValue())) {
      size.decrementAndGet();
      return true;
    }
    return false;
  }

  private int level(long tokens) {
    return (int) Math.min(LEVELS - 1, Math.max(0, tokens * (double) LEVELS / capacity));
  }
}
