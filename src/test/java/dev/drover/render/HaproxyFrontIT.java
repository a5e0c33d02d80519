package dev.drover.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drover.testing.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated haproxy.cfg running in the real HAProxy, in front of a stand-in worker. */
class HaproxyFrontIT {
  @TempDir
  Path dir;

  @Test
  void forwardsLimitsAndHidesInternalPaths() throws Exception {
    Path haproxy = Peers.require("haproxy", "haproxy");
    FrontTraffic traffic = new FrontTraffic();
    Path cfg = dir.resolve("haproxy.cfg");
    Files.writeString(cfg, traffic.project(dir.resolve("shop")).render(Front.HAPROXY));
    Path log = dir.resolve("haproxy.out");

    EchoWorker worker = new EchoWorker(traffic.workerPort);
    try {
      // -db keeps HAProxy in the foreground, so this test owns it and ends it.
      Process front = new ProcessBuilder(List.of(haproxy.toString(), "-db", "-f", cfg.toString()))
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      List<ProcessHandle> children = List.of();
      try {
        traffic.awaitListening(front, log);
        traffic.assertBehaves();
      } finally {
        children = front.descendants().toList();
        front.destroy();
        if (!front.waitFor(10, TimeUnit.SECONDS)) {
          front.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
      assertThat(front.isAlive()).isFalse();
      assertThat(children).as("processes the front started").noneMatch(ProcessHandle::isAlive);
    } finally {
      worker.close();
    }
  }
}
