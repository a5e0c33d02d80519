package dev.drover.supervisor;

import dev.drover.config.ClusterSettings;
import java.util.Collection;
import java.util.Optional;

/**
 * gunicorn's max_requests, and a max_memory gunicorn lacks: which ready worker to replace next, one at a time,
 * so the cluster never loses more than one worker's capacity to recycling.
 */
final class Recycler {
  static final long MEMORY_CHECK_MILLIS = 5_000;

  record Due(Slot slot, String reason) {
  }

  private long lastMemoryCheckMillis = Long.MIN_VALUE / 2;

  Optional<Due> next(Collection<Slot> slots, Backends backends, ClusterSettings cluster, long now) {
    long maxMemory = cluster.maxMemory().bytes();
    boolean checkMemory = maxMemory > 0 && now - lastMemoryCheckMillis >= MEMORY_CHECK_MILLIS;
    if (checkMemory) {
      lastMemoryCheckMillis = now;
    }
    for (Slot slot : slots) {
      Worker w = slot.current;
      if (w == null || w.state != WorkerState.READY) {
        continue;
      }
      if (w.requestBudget > 0 && backends.requests(w.backendId()) >= w.requestBudget) {
        return Optional.of(new Due(slot, w + " served " + w.requestBudget + " requests (max_requests): recycling"));
      }
      if (checkMemory) {
        long rss = w.process.rssBytes();
        if (rss > maxMemory) {
          return Optional.of(new Due(slot, w + " uses " + rss / (1 << 20) + " MB (max_memory): recycling"));
        }
      }
    }
    return Optional.empty();
  }
}
