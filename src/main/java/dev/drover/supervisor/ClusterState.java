package dev.drover.supervisor;

import java.util.Locale;

/** The cluster's life as the arbiter owns it; {@code status} shows it in lower case. */
enum ClusterState {
  STARTING, RUNNING, RELOADING, STOPPING, STOPPED;

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
