package dev.drover.supervisor;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A numbered place in the cluster (worker 1..N) that outlives the processes filling it: restarts, the
 * crash-loop guard and the last exit reason belong to the slot, not to one process.
 */
final class Slot {
  final int id;
  /** The worker serving, or about to serve, this slot. */
  Worker current;
  /** A replacement being started (reload, recycle) while current still serves. */
  Worker next;
  int restarts;
  int quickExits;
  String lastExit = "";
  long restartAtMillis = -1;
  boolean failed;
  boolean bootError;
  final Deque<Long> exitTimes = new ArrayDeque<>();
  /** Whether a worker was ever spawned here: the next spawn is a restart. */
  boolean everStarted;

  Slot(int id) {
    this.id = id;
  }

  /** The slot's live workers: current and next, those not yet exited. */
  java.util.List<Worker> workers() {
    java.util.List<Worker> live = new java.util.ArrayList<>(2);
    for (Worker w : new Worker[] {current, next}) {
      if (w != null && !w.exited()) {
        live.add(w);
      }
    }
    return live;
  }
}
