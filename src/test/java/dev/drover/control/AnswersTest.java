package dev.drover.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drover.supervisor.ClusterSnapshot;
import dev.drover.supervisor.ReloadPlan;
import dev.drover.supervisor.Supervisor;
import dev.drover.supervisor.WorkerSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The control answers read back as the records the supervisor wrote. */
class AnswersTest {
  private static final WorkerSnapshot READY = new WorkerSnapshot(1, 2, 4242, 40001, "ready", 61, 3, 1234567890123L, 2,
      61_000_000, "", "0.2.0+5f3a9c21");
  private static final WorkerSnapshot FAILED = new WorkerSnapshot(2, 2, 0, 0, "failed", 0, 5, 0, 0, -1,
      "boot error: class \"x\" not found\nsee log", "");
  private static final ClusterSnapshot SNAPSHOT = new ClusterSnapshot("running", "production", "[::1]:8000", 99, 3600,
      2, 2, 30_000, List.of(READY, FAILED));

  @Test
  void aSnapshotRoundTripsThroughTheAnswerLine() throws Exception {
    String line = Answers.ok(Answers.snapshot(SNAPSHOT, false));
    assertThat(line).doesNotContain("\n");
    Answers.Answer answer = Answers.readAnswer(line);
    assertThat(answer.ok()).isTrue();
    assertThat(Answers.readSnapshot(answer.resultJson())).isEqualTo(SNAPSHOT);
  }

  @Test
  void statusJsonIsTheSnapshotInSnakeCaseInTheRecordsOrder() {
    String json = Answers.snapshot(SNAPSHOT, true);
    assertThat(json).contains("\"desired_workers\" : 2", "\"uptime_seconds\" : 3600", "\"in_flight\" : 2",
        "\"rss_bytes\" : 61000000", "\"last_exit\" : \"\"", "\"version\" : \"0.2.0+5f3a9c21\"");
    assertThat(json.indexOf("\"state\"")).isLessThan(json.indexOf("\"env\""));
  }

  @Test
  void aReloadResultRoundTrips() throws Exception {
    Supervisor.ReloadResult result = new Supervisor.ReloadResult(
        new ReloadPlan(List.of("balancer.queue"), List.of("app_settings.greeting"), List.of("balancer.listen")), false,
        3, List.of(READY));
    Answers.Answer answer = Answers.readAnswer(Answers.ok(Answers.reloadResult(result)));
    assertThat(Answers.readReload(answer.resultJson())).isEqualTo(result);
  }

  @Test
  void refusalsCarryTheirMessageAndTheSettingsProblems() throws Exception {
    Answers.Answer answer = Answers.readAnswer(Answers.error("settings invalid",
        List.of("settings.toml:3 cluster.timeout must be a duration")));
    assertThat(answer.ok()).isFalse();
    assertThat(answer.error()).isEqualTo("settings invalid");
    assertThat(answer.problems()).containsExactly("settings.toml:3 cluster.timeout must be a duration");
    assertThat(Answers.readAnswer(Answers.error("cannot reload while stopping", null)).problems()).isNull();
  }

  @Test
  void requestsCarryTheirFields() throws Exception {
    assertThat(Answers.request("scale", "workers", 4, "force", true, "timeout", null))
        .isEqualTo("{\"command\":\"scale\",\"workers\":4,\"force\":true}");
  }
}
