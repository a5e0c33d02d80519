package dev.drover.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drover.testing.Peers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generated systemd units checked by the real {@code systemd-analyze verify}, which warns about what it cannot use. */
class SystemdUnitTest {
  private static Path analyze;

  @TempDir
  Path dir;

  @BeforeAll
  static void findSystemdAnalyze() {
    analyze = Peers.require("systemd-analyze", "systemd");
  }

  @Test
  void unitVerifiesWithoutWarnings() throws IOException {
    TestProject p = TestProject.at(dir.resolve("shop")).settings("[production]\nlog_level = \"WARN\"\n");

    Peers.Result r = verify(p.generator().render(Front.SYSTEMD, p.load("production")));

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).as("systemd-analyze warnings").isBlank();
  }

  @Test
  void unitForAProjectWithSpacesAndPercentVerifies() throws IOException {
    TestProject p = TestProject.at(dir.resolve("my 100% shop")).settings("[default]\napp = \"demo\"\n");

    Peers.Result r = verify(p.render(Front.SYSTEMD));

    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).as("systemd-analyze warnings").isBlank();
  }

  @Test
  void aBrokenTemplateIsReported() throws IOException {
    String builtIn = new TemplateSource(null).read(Front.SYSTEMD.templateName());
    assertThat(builtIn).contains("KillMode=mixed");
    TestProject p = TestProject.at(dir.resolve("broken")).settings("[default]\napp = \"demo\"\n")
        .file("templates/" + Front.SYSTEMD.templateName(), builtIn.replace("KillMode=mixed", "KillMode=gently"));

    Peers.Result r = verify(p.render(Front.SYSTEMD));

    assertThat(r.output()).contains("kill mode", "gently");
  }

  private Peers.Result verify(String unit) throws IOException {
    Path file = dir.resolve("drover-test.service");
    Files.writeString(file, unit);
    return Peers.run(List.of(analyze.toString(), "verify", file.toString()), dir, Duration.ofSeconds(60));
  }
}
