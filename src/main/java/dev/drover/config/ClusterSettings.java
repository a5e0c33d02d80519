package dev.drover.config;

import java.time.Duration;
import java.util.List;

/** {@code [<env>.cluster]}: how many workers, how they run, when they are replaced. */
public record ClusterSettings(
    Workers workers,
    String runtime,
    int basePort,
    Duration timeout,
    Duration gracefulTimeout,
    int maxRequests,
    int maxRequestsJitter,
    DataSize maxMemory,
    int threads,
    List<String> jvmOptions) {

  /** Worker ports are fixed only when a base port is set; 0 lets drover choose free ones. */
  public boolean hasFixedPorts() {
    return basePort > 0;
  }
}
