package dev.drover.supervisor;

import dev.drover.config.Config;
import dev.drover.runtime.WorkerLauncher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A reload under way, by generation as gunicorn does it: slots are replaced one batch at a time (all at once
 * with free ports, one by one with fixed ports, since each must free its port), and the reply is sent once
 * every slot serves a ready worker of the new generation and the old ones have drained. It keeps what it
 * replaced so an aborted reload restores it.
 */
final class Rollout {
  final Config previousConfig;
  final int previousGeneration;
  final WorkerLauncher previousLauncher;
  final CompletableFuture<Supervisor.ReloadResult> reply;
  final ReloadPlan plan;
  private final List<Integer> queue = new ArrayList<>();
  /** New workers that exited before they were ready (killed, crashed): each is started again, up to a point. */
  int lostWorkers;

  Rollout(Config previousConfig, int previousGeneration, WorkerLauncher previousLauncher,
      CompletableFuture<Supervisor.ReloadResult> reply, ReloadPlan plan, List<Integer> slotIds) {
    this.previousConfig = previousConfig;
    this.previousGeneration = previousGeneration;
    this.previousLauncher = previousLauncher;
    this.reply = reply;
    this.plan = plan;
    this.queue.addAll(slotIds);
  }

  /** Starts the next batch when nothing is in flight; returns true once the new generation alone serves. */
  boolean advance(Arbiter arbiter) {
    boolean busy = arbiter.slots().stream().anyMatch(s -> s.next != null || s.current == null);
    if (!queue.isEmpty() && !busy) {
      int batch = arbiter.fixedPorts() ? 1 : queue.size();
      for (int i = 0; i < batch; i++) {
        Slot slot = arbiter.slot(queue.remove(0));
        if (slot != null) {
          arbiter.replace(slot);
        }
      }
      return false;
    }
    int generation = arbiter.generation();
    boolean allNew = arbiter.slots().stream().allMatch(s -> s.current != null && s.next == null
        && s.current.generation == generation && s.current.state == WorkerState.READY);
    return queue.isEmpty() && allNew && !arbiter.anyRetiring();
  }
}
