package dev.drover.supervisor;

import java.util.Locale;

/** A worker's life: starting until it answers, ready while routed to, draining when retired, then stopped. */
public enum WorkerState {
  STARTING, READY, DRAINING, STOPPED, FAILED;

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
