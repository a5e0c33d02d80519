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

  @Test
  void aGroupReadableSecretMountedUnderRunSecretsIsAcceptedInProductionButNotAWorldReadableOne() throws Exception {
    Path mount = SettingsLoader.MOUNTED_SECRETS.resolve("drover-test-" + java.util.UUID.randomUUID());
    boolean made = !Files.exists(SettingsLoader.MOUNTED_SECRETS);
    try {
      Files.createDirectories(mount);
    } catch (java.io.IOException | SecurityException e) {
      org.junit.jupiter.api.Assumptions.abort("cannot write " + SettingsLoader.MOUNTED_SECRETS + " here: " + e);
    }
    try {
      Path secret = mount.resolve("secrets.toml");
      Files.writeString(secret, "[default]\nsecret_key = \"k\"\n");
      Files.writeString(dir.resolve("settings.toml"), "[production]\n");
      Files.createSymbolicLink(dir.resolve(".secrets.toml"), secret);

      Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("r--r-----"));
      assertThat(new SettingsLoader(dir, Map.of()).load("production").settings().secretKey().reveal()).isEqualTo("k");

      Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--"));
      assertThatThrownBy(() -> new SettingsLoader(dir, Map.of()).load("production"))
          .hasMessageContaining("readable by group or others").hasMessageContaining("refused in production");
    } finally {
      try (var files = Files.list(mount)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(mount);
      if (made) {
        Files.delete(SettingsLoader.MOUNTED_SECRETS);
      }
    }
  }
}
