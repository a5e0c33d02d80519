package dev.drover.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drover.testing.Drover;
import dev.drover.testing.TestCluster;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user meets when a start cannot succeed: one clear error, soon, and nothing left running. */
class StartFailuresIT {
  @TempDir
  Path tmp;
  TestCluster cluster;

  @BeforeEach
  void project() {
    cluster = new TestCluster(tmp);
  }

  @AfterEach
  void nothingLeftRunning() {
    cluster.stopAndAssertNothingLeft();
  }

  @Test
  void aWorkerThatCannotBeLaunchedFailsTheStartWithItsCauseWithinSeconds() throws Exception {
    // Its log cannot be opened: the launch itself throws, before any JVM runs.
    Files.createDirectories(cluster.project.resolve(".drover/logs/worker-2.log"));
    long began = System.nanoTime();
    Drover.Result r = cluster.drover("start", "-d");
    long took = System.nanoTime() - began;

    assertThat(r.code()).as(r.out()).isEqualTo(1);
    assertThat(r.out()).contains("worker 2 cannot be launched: cannot start worker 2");
    assertThat(Duration.ofNanos(took)).as("start -d reports the failure instead of waiting").isLessThan(Duration.ofSeconds(60));
    assertThat(cluster.drover("status").code()).isEqualTo(3);
    assertThat(Files.readString(cluster.project.resolve(".drover/logs/supervisor.log")))
        .contains("ERROR supervisor: worker 2 cannot be launched");
  }

  @Test
  void aTakenListenPortIsReportedOnceBeforeAnyWorkerBoots() throws Exception {
    try (ServerSocket taken = new ServerSocket(cluster.port, 50, InetAddress.getLoopbackAddress())) {
      Drover.Result r = cluster.drover("start", "-d");
      assertThat(r.code()).as(r.out()).isEqualTo(1);
      assertThat(r.out()).containsOnlyOnce("balancer.listen = \"127.0.0.1:" + cluster.port + "\": cannot listen there");
      assertThat(Files.readString(cluster.project.resolve(".drover/logs/supervisor.log"))).doesNotContain("spawned");
    }
  }

  @Test
  void aTomlDateInAppSettingsReachesTheWorkers() throws Exception {
    cluster.writeSettings(cluster.settings("", "workers = 1").replace("workers = 3\n", "")
        + "[default.app_settings]\nlaunch = 2026-01-02\n");
    cluster.start();
    assertThat(cluster.get("/api/info").statusCode()).isEqualTo(200);
  }

  @Test
  void anAbsurdWorkerCountIsRefusedBeforeAnyWorkerStartsUnlessForced() throws Exception {
    cluster.writeSettings(cluster.settings("", "").replace("workers = 3", "workers = 1000"));
    Drover.Result r = cluster.drover("start", "-d");
    assertThat(r.code()).as(r.out()).isEqualTo(1);
    assertThat(r.out()).contains("1000 workers on ").contains("pass --force");
    assertThat(Files.readString(cluster.project.resolve(".drover/logs/supervisor.log"))).doesNotContain("spawned");

    cluster.writeSettings(cluster.settings("", ""));
    cluster.start();
    Drover.Result scale = cluster.drover("scale", "1000");
    assertThat(scale.code()).as(scale.out()).isEqualTo(1);
    assertThat(scale.out()).contains("pass --force");
    cluster.awaitReady(3, Duration.ofSeconds(10));
  }

  @Test
  void stopOnAStoppedProjectSaysOnlyThatItIsNotRunning() {
    Drover.Result r = cluster.drover("stop");
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.out().strip()).isEqualTo("drover: not running for " + cluster.project);
  }
}
