package dev.drover.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated nginx.conf running in the real nginx, in front of a stand-in worker. */
class NginxFrontIT {
  @TempDir
  Path dir;

  @Test
  void forwardsLimitsAndHidesInternalPaths() throws Exception {
    NginxSandbox nginx = new NginxSandbox();
    FrontTraffic traffic = new FrontTraffic();
    String conf = traffic.project(dir.resolve("shop")).render(Front.NGINX);
    Path log = dir.resolve("nginx.out");

    EchoWorker worker = new EchoWorker(traffic.workerPort);
    try {
      Process front = new ProcessBuilder(nginx.foreground(conf, dir)).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
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
      assertThat(children).as("nginx worker processes").isNotEmpty().noneMatch(ProcessHandle::isAlive);
    } finally {
      worker.close();
    }
  }
}
