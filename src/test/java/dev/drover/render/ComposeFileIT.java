package dev.drover.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drover.config.Config;
import dev.drover.config.SettingsLoader;
import dev.drover.testing.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compose file drover renders, checked by Debian's docker-compose, which is shown to reject a broken one. */
class ComposeFileIT {
  @TempDir
  Path dir;

  private Path render(String env) throws Exception {
    Path project = dir.resolve("shop");
    TestProject.at(project).settings(ContainerGeneratorTest.SETTINGS).secrets(ContainerGeneratorTest.SECRETS);
    Config config = new SettingsLoader(project, Map.of()).load(env);
    Path file = project.resolve("docker-compose.yml");
    Files.writeString(file, new ContainerGenerator(2).compose(config, ContainerGeneratorTest.IMAGE));
    return file;
  }

  private static Peers.Result check(Path file) {
    Path compose = Peers.require("docker-compose", "docker-compose");
    return Peers.run(List.of(compose.toString(), "-f", file.toString(), "config", "-q"), file.getParent(),
        Duration.ofMinutes(1));
  }

  @Test
  void dockerComposeAcceptsTheRenderedFile() throws Exception {
    for (String env : List.of("development", "production")) {
      Peers.Result result = check(render(env));
      assertThat(result.ok()).as(env + ": " + result.output()).isTrue();
    }
  }

  @Test
  void dockerComposeRejectsABrokenOne() throws Exception {
    Path file = render("production");
    Files.writeString(file, Files.readString(file).replace("    network_mode: host", "    network_mod: host"));

    Peers.Result result = check(file);

    assertThat(result.ok()).isFalse();
    assertThat(result.output()).contains("network_mod");
  }
}
