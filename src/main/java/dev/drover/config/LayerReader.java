package dev.drover.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * Reads one environment table of one file ({@code [default]} of settings.toml, say) against the schema:
 * each known key becomes a typed {@link Entry} keyed by its dotted path, each unknown or ill-typed one a
 * problem naming file:line and the key.
 */
final class LayerReader {
  private final String file;
  private final boolean secretFile;
  private final Problems problems;

  LayerReader(String file, boolean secretFile, Problems problems) {
    this.file = file;
    this.secretFile = secretFile;
    this.problems = problems;
  }

  Map<String, Entry> read(String env, TomlTable table) {
    Map<String, Entry> out = new LinkedHashMap<>();
    walk(env, "", table, out);
    return out;
  }

  private void walk(String env, String section, TomlTable table, Map<String, Entry> out) {
    for (String name : table.keySet()) {
      String path = section.isEmpty() ? name : section + "." + name;
      Object raw = table.get(List.of(name));
      TomlPosition pos = table.inputPositionOf(List.of(name));
      int line = pos == null ? 1 : pos.line();
      int column = pos == null ? 1 : pos.column();
      String label = "[" + env + (section.isEmpty() ? "" : "." + section) + "]";
      if (raw instanceof TomlTable sub && Schema.isSection(path)) {
        walk(env, path, sub, out);
        continue;
      }
      var key = Schema.key(path);
      if (key.isEmpty()) {
        problems.at(file, line, column, label + " unknown key '" + name + "'" + Suggest.hint(name, Schema.namesIn(section)));
        continue;
      }
      boolean secret = secretFile || SecretNames.looksSecret(path);
      try {
        Object value = key.get().type() instanceof RoutesReader.RoutesType
            ? new RoutesReader(file, env, problems).read(raw, line)
            : key.get().type().fromToml(raw);
        out.put(path, new Entry(key.get(), value, Origin.file(file, line, column), secret));
      } catch (IllegalArgumentException e) {
        String got = secret ? Secret.MASK : Toml.literal(raw);
        problems.at(file, line, 0, label + "." + name + " must be " + e.getMessage() + ", got " + got);
      }
    }
  }
}
