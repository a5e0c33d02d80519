package dev.drover.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsFileTest {
  private static final String OLD = "old-0123456789abcdef0123456789abcdef";

  @TempDir
  Path dir;

  private Path secrets(String text) throws Exception {
    Path f = dir.resolve(".secrets.toml");
    Files.writeString(f, text);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(dir.resolve("settings.toml"), "[default]\n");
    return f;
  }

  private Settings load() {
    return new SettingsLoader(dir, Map.of()).load("development").settings();
  }

  @Test
  void rotatingTheAdminTokenKeepsEveryOtherLineAndTheFilesMode() throws Exception {
    Path f = secrets("# mine\n[default]\nsecret_key = \"" + OLD + "\"  # keep\n\n[default.balancer]\nadmin_token = \"t0\"\n"
        + "\n[production]\nsecret_key = \"prod-" + OLD + "\"\n");
    assertThat(new SecretsFile(dir).rotate("admin_token", new Secret("t1"))).isEqualTo("balancer.admin_token");
    assertThat(Files.readString(f)).isEqualTo("# mine\n[default]\nsecret_key = \"" + OLD + "\"  # keep\n\n"
        + "[default.balancer]\nadmin_token = \"t1\"\n\n[production]\nsecret_key = \"prod-" + OLD + "\"\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
    assertThat(load().adminToken().reveal()).isEqualTo("t1");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(".secrets.toml", "settings.toml");
    }
  }

  @Test
  void aMissingTableIsAdded() throws Exception {
    secrets("[default]\nsecret_key = \"" + OLD + "\"\n");
    new SecretsFile(dir).rotate("balancer.admin_token", new Secret("t1"));
    assertThat(load().adminToken().reveal()).isEqualTo("t1");
    assertThat(load().secretKey().reveal()).isEqualTo(OLD);
  }

  @Test
  void rotatingTheSecretKeyKeepsTheOldOneFirstAmongAtMostThreeFallbacks() throws Exception {
    secrets("[default]\nsecret_key = \"" + OLD + "\"\n");
    SecretsFile file = new SecretsFile(dir);
    for (int i = 1; i <= 4; i++) {
      file.rotate("secret_key", new Secret("key-" + i));
    }
    Settings s = load();
    assertThat(s.secretKey().reveal()).isEqualTo("key-4");
    assertThat(List.of(s.secrets().get("secret_key_fallbacks.0").reveal(), s.secrets().get("secret_key_fallbacks.1").reveal(),
        s.secrets().get("secret_key_fallbacks.2").reveal())).containsExactly("key-3", "key-2", "key-1");
    assertThat(s.secrets()).doesNotContainKey("secret_key_fallbacks.3");
  }

  @Test
  void badInputIsRefusedAndTheFileIsLeftAlone() throws Exception {
    Path f = secrets("[default]\nsecret_key = \"" + OLD + "\n");
    assertThatThrownBy(() -> new SecretsFile(dir).rotate("secret_key", new Secret("x")))
        .isInstanceOf(DroverException.class).hasMessageContaining(".secrets.toml:2 is not valid TOML")
        .hasMessageNotContaining(OLD);
    assertThat(Files.readString(f)).isEqualTo("[default]\nsecret_key = \"" + OLD + "\n");
    assertThatThrownBy(() -> new SecretsFile(dir).rotate("db_password", new Secret("x")))
        .hasMessage("drover secret --rotate takes secret_key or admin_token, got 'db_password'");
    assertThatThrownBy(() -> new SecretsFile(dir.resolve("nope")).rotate("admin_token", new Secret("x")))
        .hasMessageStartingWith("no .secrets.toml in");
  }
}
