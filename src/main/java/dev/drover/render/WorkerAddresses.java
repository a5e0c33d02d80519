package dev.drover.render;

import dev.drover.config.ClusterSettings;
import dev.drover.config.ConfigException;
import java.util.ArrayList;
import java.util.List;

/** The addresses a front proxies to: one per worker, on consecutive ports from {@code cluster.base_port}. */
final class WorkerAddresses {
  private static final String HOST = "127.0.0.1";

  private WorkerAddresses() {
  }

  /** {@code 127.0.0.1:port} for each worker, or a one-line {@link ConfigException} when the ports are not fixed. */
  static List<String> of(ClusterSettings cluster, int cores) {
    if (!cluster.hasFixedPorts()) {
      throw new ConfigException("cluster.base_port is 0 (free ports chosen at start), so a front cannot address"
          + " the workers: set base_port in [default.cluster] of settings.toml, e.g. base_port = 8001");
    }
    int count = cluster.workers().count(cores);
    int last = cluster.basePort() + count - 1;
    if (last > 65535) {
      throw new ConfigException("cluster.base_port " + cluster.basePort() + " leaves no room for " + count
          + " workers (the last would listen on port " + last + "): lower base_port in settings.toml");
    }
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(HOST + ":" + (cluster.basePort() + i));
    }
    return List.copyOf(out);
  }
}
