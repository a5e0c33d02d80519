package dev.drover.supervisor;

import dev.drover.runtime.WorkerProcess;

/** One worker process and what the arbiter knows of it. Touched only on the arbiter's thread. */
final class Worker {
  final int id;
  final int generation;
  final int port;
  final WorkerProcess process;
  final long startedAtMillis;
  /** The drover version it runs: after an upgrade and a reload, old and new differ. */
  String version = "";
  WorkerState state = WorkerState.STARTING;
  long lastAnswerMillis;
  long drainDeadlineMillis;
  boolean terminateSent;
  boolean killSent;
  boolean probing;
  long lastProbeMillis;
  /** Requests served before it can be recycled (max_requests plus this worker's jitter); 0 = never. */
  long requestBudget;

  Worker(int id, int generation, int port, WorkerProcess process, long now) {
    this.id = id;
    this.generation = generation;
    this.port = port;
    this.process = process;
    this.startedAtMillis = now;
    this.lastAnswerMillis = now;
  }

  /**
   * The balancer's name for this process. Unique per process, not per slot: a slot holds an old and a new
   * worker during a reload, and a restarted worker must not inherit the failure marks of the one it replaces.
   */
  String backendId() {
    return "w" + id + "-" + process.pid();
  }

  boolean exited() {
    return state == WorkerState.STOPPED || state == WorkerState.FAILED;
  }

  @Override
  public String toString() {
    return "worker " + id + " (pid " + process.pid() + ", port " + port + ", generation " + generation + ")";
  }
}
