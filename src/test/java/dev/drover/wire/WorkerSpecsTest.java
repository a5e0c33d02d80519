package dev.drover.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.drover.config.WorkerSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerSpecsTest {
  @TempDir
  Path dir;

  private static WorkerSpec spec(Map<String, Object> appSettings) {
    return new WorkerSpec(4, 2, "127.0.0.1", 40123, "production", "/srv/shop", "com.example.Shop",
        List.of("lib/shop.jar", "classes"), "public", "DEBUG", 1, 64, 30_000, appSettings);
  }

  @Test
  void roundTrips() throws Exception {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("greeting", "hi");
    settings.put("db.pool", 5L);
    settings.put("ratio", 0.5);
    settings.put("tags", List.of("a", "b"));
    Path file = dir.resolve("run/worker-4.json");

    WorkerSpecs.write(file, spec(settings));
    WorkerSpec back = WorkerSpecs.read(file);

    assertThat(back).isEqualTo(new WorkerSpec(4, 2, "127.0.0.1", 40123, "production", "/srv/shop", "com.example.Shop",
        List.of("lib/shop.jar", "classes"), "public", "DEBUG", 1, 64, 30_000,
        Map.of("greeting", "hi", "db.pool", 5, "ratio", 0.5, "tags", List.of("a", "b"))));
    try (var files = Files.list(file.getParent())) {
      assertThat(files).as("no temp file left behind").containsExactly(file);
    }
  }

  @Test
  void writesValuesJsonHasNoTypeForAsText() throws Exception {
    Path file = dir.resolve("w.json");
    WorkerSpecs.write(file, spec(Map.of("launch", LocalDate.of(2026, 1, 2))));

    assertThat(WorkerSpecs.read(file).appSettings()).containsEntry("launch", "2026-01-02");
  }

  @Test
  void aFileMissingAFieldIsRefused() throws Exception {
    Path file = dir.resolve("w.json");
    Files.writeString(file, "{\"id\": 1, \"host\": \"127.0.0.1\"}");

    assertThatThrownBy(() -> WorkerSpecs.read(file)).isInstanceOf(IOException.class).hasMessageContaining("Missing");
  }
}
