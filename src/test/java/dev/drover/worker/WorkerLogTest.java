package dev.drover.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drover.config.Secret;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class WorkerLogTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final Clock clock = Clock.fixed(Instant.parse("2026-03-04T05:06:07Z"), ZoneOffset.UTC);

  private WorkerLog log(String level) {
    return new WorkerLog(3, WorkerLog.parseLevel(level), new PrintStream(out, true, StandardCharsets.UTF_8), clock);
  }

  private String printed() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void writesOneLinePerRecordInTheWorkerFormat() {
    log("INFO").log(Level.WARNING, "disk {0} is {1}% full", "/data", 93);

    assertThat(printed()).isEqualTo("2026-03-04T05:06:07.000Z WARN worker-3: disk /data is 93% full" + System.lineSeparator());
  }

  @Test
  void dropsLinesBelowTheLevel() {
    WorkerLog log = log("warn");
    log.info("not shown");
    log.log(Level.DEBUG, "not shown");
    log.error("shown", null);

    assertThat(printed()).doesNotContain("not shown").contains(" ERROR worker-3: shown");
  }

  @Test
  void secretsPrintMasked() {
    log("DEBUG").log(Level.DEBUG, "key is {0}", new Secret("hunter2"));

    assertThat(printed()).contains("DEBUG worker-3: key is ********").doesNotContain("hunter2");
  }

  @Test
  void readsEveryLogLevelSetting() {
    assertThat(WorkerLog.parseLevel("TRACE")).isEqualTo(Level.TRACE);
    assertThat(WorkerLog.parseLevel("debug")).isEqualTo(Level.DEBUG);
    assertThat(WorkerLog.parseLevel("INFO")).isEqualTo(Level.INFO);
    assertThat(WorkerLog.parseLevel("WARN")).isEqualTo(Level.WARNING);
    assertThat(WorkerLog.parseLevel("ERROR")).isEqualTo(Level.ERROR);
    assertThat(WorkerLog.parseLevel(null)).isEqualTo(Level.INFO);
  }
}
