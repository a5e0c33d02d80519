package dev.drover.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.testing.DockerPeer;
import dev.drover.testing.Drover;
import dev.drover.testing.Load;
import dev.drover.testing.Peers;
import dev.drover.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cluster.runtime = "docker"} on a real dockerd: five workers as containers of the project's image, killed,
 * reloaded and orphaned under load, with the same bar as the process runtime (no failed request, nothing left).
 */
@Tag("docker")
class DockerRuntimeIT {
  private static final int WORKERS = 5;

  @TempDir
  Path tmp;
  TestCluster cluster;
  String image;
  /** The image's id: a test that untags it while containers still use it must not leave it dangling. */
  String imageId;

  @BeforeEach
  void project() throws Exception {
    DockerPeer.require();
    cluster = new TestCluster(tmp);
    cluster.writeSettings(cluster.settings("", "runtime = \"docker\"").replace("workers = 3", "workers = " + WORKERS)
        + "[default.docker]\nmemory = \"256MB\"\ncpus = \"1\"\n");
    Drover.Result built = cluster.drover("image", "build");
    assertThat(built.code()).as(built.out()).isZero();
    Matcher m = Pattern.compile("built (\\S+) \\(").matcher(built.out());
    assertThat(m.find()).isTrue();
    image = m.group(1);
    imageId = DockerPeer.docker("image", "inspect", "-f", "{{.Id}}", image).output().strip();
  }

  @AfterEach
  void nothingLeft() {
    if (cluster == null) {
      return;
    }
    cluster.drover("stop");
    List<String> left = DockerPeer.containersOf(cluster.project);
    left.forEach(id -> DockerPeer.docker("rm", "-f", id));
    if (imageId != null) {
      DockerPeer.docker("rmi", "-f", imageId);
    }
    assertThat(left).as("containers left behind").isEmpty();
    cluster.stopAndAssertNothingLeft();
  }

  @Test
  void fiveContainersSurviveAKillAndAReloadUnderLoadAndAKilledSupervisorLeavesNoOrphan() throws Exception {
    Drover.Result started = cluster.start();
    assertThat(started.out()).contains("workers ready 5/5");
    assertContainersAreTheWorkers();
    String one = DockerPeer.containersOf(cluster.project).get(0);
    Peers.Result limits = DockerPeer.docker("inspect", "-f",
        "{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.NetworkMode}} {{index .Config.Labels \"dev.drover.generation\"}}", one);
    assertThat(limits.output().strip()).isEqualTo((256L << 20) + " 1000000000 host 1");
    awaitMemoryFromStats();

    JsonNode victim = cluster.status().path("workers").get(1);
    try (Load load = Load.start(cluster.uri("/api/info"), 4)) {
      load.awaitMore(300, Duration.ofSeconds(30));
      ProcessHandle.of(victim.path("pid").asLong()).orElseThrow().destroyForcibly();
      awaitRestarted(victim.path("id").asInt(), victim.path("pid").asLong());
      cluster.awaitReady(WORKERS, Duration.ofSeconds(60));
      load.awaitMore(300, Duration.ofSeconds(30));

      Drover.Result reload = cluster.drover("reload");
      assertThat(reload.code()).as(reload.out()).isZero();
      assertThat(reload.out()).contains("reloaded: generation 2, 5 workers ready");
      load.awaitMore(300, Duration.ofSeconds(30));
      load.close();
      assertThat(load.failures()).as("failed requests").isEmpty();
    }
    JsonNode back = cluster.status();
    assertThat(back.path("generation").asInt()).isEqualTo(2);
    assertContainersAreTheWorkers();

    long supervisor = back.path("pid").asLong();
    ProcessHandle.of(supervisor).orElseThrow().destroyForcibly();
    ProcessHandle.of(supervisor).ifPresent(p -> p.onExit().join());
    cluster.start();
    assertContainersAreTheWorkers();
    assertThat(Files.readString(cluster.project.resolve(".drover/logs/supervisor.log")))
        .containsPattern("removed [1-9][0-9]* container\\(s\\) left by an earlier supervisor");

    Drover.Result stop = cluster.drover("stop");
    assertThat(stop.code()).as(stop.out()).isZero();
    assertThat(DockerPeer.containersOf(cluster.project)).as("containers after stop").isEmpty();
  }

  @Test
  void aMissingImageIsOneLineWithTheBuildHint() {
    DockerPeer.docker("rmi", "-f", image);

    Drover.Result r = cluster.drover("start", "-d");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("image " + image + " not found").contains("run 'drover image build' first");
    assertThat(DockerPeer.containersOf(cluster.project)).isEmpty();
  }

  @Test
  void limitsDockerWouldRefuseAreOneLineNamingTheKey() throws Exception {
    Path settings = cluster.project.resolve("settings.toml");
    Files.writeString(settings, Files.readString(settings).replace("memory = \"256MB\"", "memory = \"1KB\""));

    Drover.Result r = cluster.drover("start", "-d");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("docker.memory = \"1KB\" is below Docker's minimum of 6MB");
    assertThat(DockerPeer.containersOf(cluster.project)).isEmpty();
  }

  @Test
  void aReloadWhoseImageIsGoneIsAbortedAndTheRunningWorkersKeepServing() throws Exception {
    cluster.start();
    Set<Long> before = cluster.pids();
    DockerPeer.docker("rmi", "-f", image);

    Drover.Result reload = cluster.drover("reload");

    assertThat(reload.code()).isEqualTo(1);
    assertThat(reload.out()).contains("boot error: image " + image + " not found (run 'drover image build')");
    assertThat(cluster.pids()).isEqualTo(before);
    assertThat(cluster.get("/api/info").statusCode()).isEqualTo(200);
    assertContainersAreTheWorkers();
  }

  /** Exactly one container per listed worker, and each one's process is the worker's pid. */
  private void assertContainersAreTheWorkers() throws Exception {
    Set<Long> pids = cluster.pids();
    List<String> containers = DockerPeer.containersOf(cluster.project);
    Set<Long> containerPids = new HashSet<>();
    for (String id : containers) {
      containerPids.add(Long.parseLong(DockerPeer.docker("inspect", "-f", "{{.State.Pid}}", id).output().strip()));
    }
    assertThat(containers).hasSize(WORKERS);
    assertThat(containerPids).isEqualTo(pids);
  }

  private void awaitMemoryFromStats() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      boolean all = true;
      for (JsonNode w : cluster.status().path("workers")) {
        all &= w.path("rss_bytes").asLong(-1) > 1 << 20;
      }
      if (all) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no memory figure from the containers' stats: " + cluster.status());
  }

  private void awaitRestarted(int id, long oldPid) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      for (JsonNode w : cluster.status().path("workers")) {
        if (w.path("id").asInt() == id && w.path("pid").asLong() != oldPid && w.path("restarts").asInt() == 1) {
          return;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("worker " + id + " was not restarted: " + cluster.status());
  }
}
