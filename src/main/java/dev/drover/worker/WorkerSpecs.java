package dev.drover.worker;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.drover.config.WorkerSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads and writes a {@link WorkerSpec} as JSON: the supervisor writes it, the worker reads it at boot. */
public final class WorkerSpecs {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      // Every field is written by write(); a missing one means a hand-made or truncated file, not a default.
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

  private WorkerSpecs() {
  }

  /**
   * Writes the spec atomically (a temp file moved into place), so a worker starting at that moment never
   * reads half a file. Values of {@code app_settings} that JSON cannot hold as such (dates, times) are
   * written as their text.
   */
  public static void write(Path file, WorkerSpec spec) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    WorkerSpec plain = new WorkerSpec(spec.id(), spec.generation(), spec.host(), spec.port(), spec.env(),
        spec.projectDir(), spec.app(), spec.appClasspath(), spec.staticRoot(), spec.logLevel(), spec.ioThreads(),
        spec.workerThreads(), spec.gracefulTimeoutMillis(), plainMap(spec.appSettings()));
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      JSON.writeValue(tmp.toFile(), plain);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Reads a spec written by {@link #write}; fails with an {@link IOException} naming the problem. */
  public static WorkerSpec read(Path file) throws IOException {
    return JSON.readValue(file.toFile(), WorkerSpec.class);
  }

  private static Map<String, Object> plainMap(Map<?, ?> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
    return out;
  }

  private static Object plain(Object value) {
    if (value == null || value instanceof Number || value instanceof Boolean || value instanceof String) {
      return value;
    }
    if (value instanceof Map<?, ?> m) {
      return plainMap(m);
    }
    if (value instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(v -> out.add(plain(v)));
      return out;
    }
    return value.toString();
  }
}
