package dev.drover.supervisor;

import java.util.List;

/** The cluster as {@code status} shows it: one consistent picture taken on the arbiter's thread. */
public record ClusterSnapshot(
    String state,
    String env,
    String listen,
    long pid,
    long uptimeSeconds,
    int generation,
    int desiredWorkers,
    long gracefulTimeoutMillis,
    List<WorkerSnapshot> workers) {

  public long ready() {
    return workers.stream().filter(w -> w.state().equals(WorkerState.READY.toString())).count();
  }
}
