package dev.drover.supervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The arbiter's deferred work, run on its own thread at each tick: actions due at a time, and actions waiting
 * for a condition (a scale's answer once every slot has settled).
 */
final class Timers {
  private record Pending(long dueMillis, BooleanSupplier ready, Runnable action) {
  }

  private final List<Pending> pending = new ArrayList<>();

  void at(long dueMillis, Runnable action) {
    pending.add(new Pending(dueMillis, () -> true, action));
  }

  void when(BooleanSupplier ready, Runnable action) {
    pending.add(new Pending(Long.MIN_VALUE, ready, action));
  }

  /** Runs what is due; what an action schedules runs at a later tick. */
  void runDue(long now) {
    if (pending.isEmpty()) {
      return;
    }
    List<Pending> due = new ArrayList<>();
    pending.removeIf(p -> {
      boolean run = now >= p.dueMillis() && p.ready().getAsBoolean();
      if (run) {
        due.add(p);
      }
      return run;
    });
    due.forEach(p -> p.action().run());
  }

  int size() {
    return pending.size();
  }
}
