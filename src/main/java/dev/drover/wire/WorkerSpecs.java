package dev.drover.wire;

import dev.drover.config.WorkerSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes a {@link WorkerSpec} as JSON: the supervisor writes it, the worker reads it at boot,
 * both with Jackson's streaming API only (see {@link PlainJson}). Every field is written, so a missing one means a
 * hand-made or truncated file, not a default.
 */
public final class WorkerSpecs {
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
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", spec.id());
    json.put("generation", spec.generation());
    json.put("host", spec.host());
    json.put("port", spec.port());
    json.put("env", spec.env());
    json.put("projectDir", spec.projectDir());
    json.put("app", spec.app());
    json.put("appClasspath", spec.appClasspath());
    json.put("staticRoot", spec.staticRoot());
    json.put("logLevel", spec.logLevel());
    json.put("ioThreads", spec.ioThreads());
    json.put("workerThreads", spec.workerThreads());
    json.put("gracefulTimeoutMillis", spec.gracefulTimeoutMillis());
    json.put("appSettings", plainMap(spec.appSettings()));
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      PlainJson.write(tmp.toFile(), json);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Reads a spec written by {@link #write}; fails with an {@link IOException} naming the problem. */
  public static WorkerSpec read(Path file) throws IOException {
    Map<String, Object> json = PlainJson.object(file.toFile());
    Fields f = new Fields(json, file);
    return new WorkerSpec(f.integer("id"), f.integer("generation"), f.string("host"), f.integer("port"),
        f.string("env"), f.string("projectDir"), f.string("app"), f.strings("appClasspath"), f.string("staticRoot"),
        f.string("logLevel"), f.integer("ioThreads"), f.integer("workerThreads"), f.number("gracefulTimeoutMillis").longValue(),
        f.map("appSettings"));
  }

  /** The spec's fields by name; every one must be present, as write() writes them all. */
  private record Fields(Map<String, Object> json, Path file) {
    Object get(String name) throws IOException {
      if (!json.containsKey(name)) {
        throw new IOException("Missing required field '" + name + "' in " + file);
      }
      return json.get(name);
    }

    <T> T typed(String name, Class<T> type) throws IOException {
      Object value = get(name);
      if (value != null && !type.isInstance(value)) {
        throw new IOException("field '" + name + "' in " + file + " is not a " + type.getSimpleName().toLowerCase());
      }
      return type.cast(value);
    }

    Number number(String name) throws IOException {
      Number n = typed(name, Number.class);
      if (n == null) {
        throw new IOException("field '" + name + "' in " + file + " is null");
      }
      return n;
    }

    int integer(String name) throws IOException {
      return number(name).intValue();
    }

    String string(String name) throws IOException {
      return typed(name, String.class);
    }

    List<String> strings(String name) throws IOException {
      List<String> out = new ArrayList<>();
      List<?> list = typed(name, List.class);
      if (list != null) {
        for (Object o : list) {
          out.add(String.valueOf(o));
        }
      }
      return out;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> map(String name) throws IOException {
      return typed(name, Map.class);
    }
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
