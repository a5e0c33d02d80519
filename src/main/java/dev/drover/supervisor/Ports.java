package dev.drover.supervisor;

import dev.drover.config.DroverException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.function.Supplier;

/** Which port a new worker listens on: fixed per slot with base_port (fronts address them), else a free one. */
final class Ports {
  private static final int ATTEMPTS = 20;

  int next(int basePort, int slotId, Supplier<Set<Integer>> inUse) {
    if (basePort > 0) {
      return basePort + slotId - 1;
    }
    // The OS may hand out a port again once it is closed, and a worker binds its port only seconds after
    // this: without the check two workers starting together can be given one port, and the later one dies.
    for (int attempt = 0; ; attempt++) {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      } catch (IOException e) {
        throw new DroverException("no free port on 127.0.0.1: " + e.getMessage(), e);
      }
      if (attempt >= ATTEMPTS || !inUse.get().contains(port)) {
        return port;
      }
    }
  }
}
