package dev.drover.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerSettingsTest {
  @TempDir
  Path dir;

  private Settings load(String toml) throws Exception {
    Files.writeString(dir.resolve("settings.toml"), toml);
    return new SettingsLoader(dir, Map.of()).load("development").settings();
  }

  @Test
  void limitsAndKubernetesTablesAreRead() throws Exception {
    Settings s = load("[default.docker]\nmemory = \"256MB\"\ncpus = \"0.5\"\n[default.kubernetes]\nreplicas = 4\n");

    assertThat(s.docker().memory().bytes()).isEqualTo(256L << 20);
    assertThat(s.docker().nanoCpus()).isEqualTo(500_000_000L);
    assertThat(s.kubernetes().replicas()).isEqualTo(4);
    assertThat(load("").docker().nanoCpus()).isZero();
  }

  @Test
  void aCpuCountThatIsNotOneIsRefusedNamingTheKeyAndLine() {
    assertThatThrownBy(() -> load("[default.docker]\ncpus = \"lots\"\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("settings.toml:2")
        .hasMessageContaining("docker].cpus must be a CPU count");
  }
}
