package dev.drover.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.testing.Drover;
import dev.drover.testing.Load;
import dev.drover.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upgrade in place: the jar a cluster was started from is overwritten while it runs. The cluster must not
 * notice, and a reload must move its workers to the new jar with no failed request.
 */
class UpgradeIT {
  @TempDir
  Path tmp;
  TestCluster cluster;
  Path installed;

  @BeforeEach
  void project() throws Exception {
    cluster = new TestCluster(tmp);
    installed = Files.createDirectories(tmp.resolve("opt")).resolve("drover.jar");
    Files.copy(Drover.JAR, installed);
  }

  @AfterEach
  void nothingLeftRunning() {
    cluster.stopAndAssertNothingLeft();
  }

  @Test
  void aJarOverwrittenUnderARunningClusterBreaksNothingAndReloadMovesWorkersToTheNewOne() throws Exception {
    Drover.Result started = Drover.runJar(installed, cluster.project, "start", "-d");
    assertThat(started.code()).as(started.out()).isZero();
    Set<String> before = versions(cluster.status());
    assertThat(before).hasSize(1).allMatch(v -> v.matches("\\d+\\.\\d+\\.\\d+.*\\+[0-9a-f]{8}"));

    try (Load load = Load.start(cluster.uri("/api/info"), 3)) {
      load.awaitMore(200, Duration.ofSeconds(30));
      // Overwritten in place, the same file truncated: what a careless copy or a build onto the path does.
      Files.write(installed, new byte[] {'P', 'K', 0, 0}, StandardOpenOption.TRUNCATE_EXISTING);
      assertThat(Drover.run(cluster.project, "status").code()).isZero();
      assertThat(cluster.drover("scale", "4").code()).isZero();
      cluster.awaitReady(4, Duration.ofSeconds(60));

      // The new release lands on the same path.
      Files.copy(Drover.JAR, installed, StandardCopyOption.REPLACE_EXISTING);
      Files.setLastModifiedTime(installed, FileTime.from(Instant.now().plusSeconds(5)));
      Drover.Result reload = Drover.runJar(installed, cluster.project, "reload");
      assertThat(reload.code()).as(reload.out()).isZero();
      load.awaitMore(200, Duration.ofSeconds(30));
      load.close();
      assertThat(load.failures()).as("failed requests").isEmpty();
    }
    JsonNode after = cluster.status();
    assertThat(versions(after)).hasSize(1).doesNotContainAnyElementsOf(before);
    assertThat(after.path("generation").asInt()).isEqualTo(2);
  }

  private static Set<String> versions(JsonNode status) {
    Set<String> versions = new HashSet<>();
    status.path("workers").forEach(w -> versions.add(w.path("version").asText()));
    return versions;
  }
}
