package dev.drover.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.runtime.Signals;
import dev.drover.testing.Load;
import dev.drover.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor's slower duties: hung workers, recycling, and gunicorn's signals. */
class LifecycleIT {
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
  void aWorkerThatStopsAnsweringIsKilledAndReplaced() throws Exception {
    cluster.writeSettings(cluster.settings("", "").replace("timeout = \"10s\"", "timeout = \"2s\""));
    cluster.start();
    JsonNode victim = cluster.status().path("workers").get(0);
    long pid = victim.path("pid").asLong();
    assertThat(Signals.send(pid, "STOP")).isTrue();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (cluster.status().path("workers").get(0).path("pid").asLong() == pid && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    cluster.awaitReady(3, Duration.ofSeconds(20));
    JsonNode replaced = cluster.status().path("workers").get(0);
    assertThat(replaced.path("pid").asLong()).isNotEqualTo(pid);
    assertThat(replaced.path("last_exit").asText()).isEqualTo("killed (SIGKILL)");
    assertThat(cluster.drover("logs", "-n", "200").out()).contains("has not answered for 2000 ms");
    assertThat(cluster.get("/api/info").statusCode()).isEqualTo(200);
  }

  @Test
  void stopLogsTheExitOfEveryWorkerBeforeSayingStopped() throws Exception {
    cluster.start();
    Set<Long> pids = cluster.pids();
    assertThat(cluster.drover("stop").code()).isZero();
    String log = Files.readString(cluster.project.resolve(".drover/logs/supervisor.log"));
    String stopping = log.substring(log.lastIndexOf("stopping: draining"));
    for (long pid : pids) {
      assertThat(stopping).as("exit of " + pid).containsPattern("worker \\d \\(pid " + pid + ",[^\\n]*\\) stopped: ");
    }
    assertThat(stopping.indexOf("INFO supervisor: stopped\n")).as("stopped comes last")
        .isGreaterThan(stopping.lastIndexOf(") stopped: "));
  }

  @Test
  void maxRequestsRecyclesWorkersOneAtATimeWithoutFailedRequests() throws Exception {
    cluster.writeSettings(cluster.settings("", "max_requests = 150\nmax_requests_jitter = 30"));
    cluster.start();
    Set<Long> before = cluster.pids();
    try (Load load = Load.start(cluster.uri("/api/info"), 3)) {
      load.awaitMore(1500, Duration.ofSeconds(60));
      load.close();
      assertThat(load.failures()).as("failed requests").isEmpty();
    }
    // Recycling goes one worker at a time and carries on after the load: wait for the last original to go.
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (cluster.pids().stream().anyMatch(before::contains)) {
      assertThat(System.nanoTime()).as("every original worker recycled").isLessThan(deadline);
      Thread.sleep(200);
    }
    cluster.awaitReady(3, Duration.ofSeconds(30));
    assertThat(cluster.drover("logs", "-n", "500").out()).contains("(max_requests): recycling");
  }

  @Test
  void accessLogIsWrittenAndReopenedForLogrotate() throws Exception {
    cluster.start();
    Path log = cluster.project.resolve(".drover/logs/access.log");
    assertThat(cluster.get("/api/info?first").statusCode()).isEqualTo(200);
    awaitLine(log, "GET /api/info?first HTTP/1.1\" 200");
    Files.move(log, log.resolveSibling("access.log.1"));
    var reopen = cluster.drover("logs", "--reopen");
    assertThat(reopen.code()).as(reopen.out()).isZero();
    assertThat(cluster.get("/api/info?second").statusCode()).isEqualTo(200);
    awaitLine(log, "GET /api/info?second HTTP/1.1\" 200");
    assertThat(Files.readString(log.resolveSibling("access.log.1"))).doesNotContain("second");
  }

  private static void awaitLine(Path log, String text) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!(Files.exists(log) && Files.readString(log).contains(text))) {
      assertThat(System.nanoTime()).as("access log line " + text).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @Test
  void signalsAsGunicornsHupReloadsTtinTtouScaleTermStops() throws Exception {
    cluster.start();
    long supervisor = cluster.status().path("pid").asLong();
    Set<Long> before = cluster.pids();

    assertThat(Signals.send(supervisor, "TTIN")).isTrue();
    cluster.awaitReady(4, Duration.ofSeconds(30));
    assertThat(Signals.send(supervisor, "TTOU")).isTrue();
    cluster.awaitReady(3, Duration.ofSeconds(30));

    assertThat(Signals.send(supervisor, "HUP")).isTrue();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (cluster.status().path("generation").asInt() < 2 || !cluster.status().path("state").asText().equals("running")) {
      assertThat(System.nanoTime()).as("reload by HUP").isLessThan(deadline);
      Thread.sleep(100);
    }
    cluster.awaitReady(3, Duration.ofSeconds(30));
    assertThat(cluster.pids()).doesNotContainAnyElementsOf(before);

    assertThat(Signals.send(supervisor, "TERM")).isTrue();
    ProcessHandle.of(supervisor).ifPresent(p -> p.onExit().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join());
    assertThat(cluster.drover("status").code()).isEqualTo(3);
  }
}
