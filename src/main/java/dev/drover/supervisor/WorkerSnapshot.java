package dev.drover.supervisor;

/** One worker as {@code status} shows it. */
public record WorkerSnapshot(
    int id,
    int generation,
    long pid,
    int port,
    String state,
    long uptimeSeconds,
    int restarts,
    long requests,
    int inFlight,
    long rssBytes,
    String lastExit,
    String version) {
}
