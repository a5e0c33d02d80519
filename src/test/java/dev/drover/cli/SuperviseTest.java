package dev.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuperviseTest {
  @TempDir
  Path project;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Supervise.run(args, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void takesExactlyTheProjectAndTheEnvironment() {
    assertThat(run(project.toString())).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("<project directory> <environment>");
  }

  @Test
  void reportsBadSettingsLikeTheStartCommandAndStartsNothing() throws Exception {
    Files.writeString(project.resolve("settings.toml"), "[default]\napp = \"demo\"\n[default.cluster]\nworkers = \"lots\"\n");

    int code = run(project.toString(), "development");

    assertThat(code).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).startsWith("settings.toml:4 [default.cluster].workers must be");
    assertThat(project.resolve(".drover/drover.pid")).doesNotExist();
  }
}
