package dev.drover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drover.config.Key;
import dev.drover.config.Schema;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's settings reference and its promises cannot drift from the code. */
class ReadmeTest {

  @Test
  void everySettingIsDocumentedUnderItsTable() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    for (Key k : Schema.keys()) {
      String table = k.section().isEmpty() ? "**[default]**" : "**[default." + k.section() + "]**";
      int at = readme.indexOf(table);
      assertThat(at).as(table).isPositive();
      int next = readme.indexOf("\n**[", at + 1);
      String section = readme.substring(at, next < 0 ? readme.length() : next);
      assertThat(section).as(k.path()).contains("| `" + k.name() + "` | `" + k.type().toToml(k.defaultValue()));
    }
  }

  @Test
  void theTwoCommandsAreThere() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    assertThat(readme).contains("mvn -q -DskipTests package && target/drover -C examples/hello start");
    assertThat(readme).contains("\n.ci/run\n");
    assertThat(Files.readString(Path.of(".ci", "run"))).contains("mvn -B verify");
  }
}
