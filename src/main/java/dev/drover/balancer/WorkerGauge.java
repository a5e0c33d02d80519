package dev.drover.balancer;

/**
 * One worker as {@code /metrics} shows it: the balancer knows requests, only the owner knows restarts and
 * whether the process is up, so the owner hands these in through {@link Balancer#workerGauges}.
 *
 * @param id       the worker's number, the {@code worker} label
 * @param up       whether the worker is running and in rotation
 * @param restarts times this worker slot was restarted since the cluster started
 * @param requests requests this worker has answered
 */
public record WorkerGauge(int id, boolean up, long restarts, long requests) {
}
