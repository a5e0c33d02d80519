package dev.drover.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/**
 * Reads TOML text shaped like settings.toml into its environment tables, each checked against the schema
 * as the loader checks a file. Lets code outside this package (a project template's values, say) use
 * settings-shaped files without reading TOML itself.
 */
public final class SettingsLayers {
  private SettingsLayers() {
  }

  /**
   * The typed entries of each environment table, in file order ({@code "default"} → {@code "cluster.workers"}
   * → entry). Throws a {@link ConfigException} naming {@code fileName}:line for every problem.
   */
  public static Map<String, Map<String, Entry>> parse(String fileName, String text) {
    Problems problems = new Problems();
    TomlParseResult toml = org.tomlj.Toml.parse(text);
    for (TomlParseError err : toml.errors()) {
      problems.at(fileName, err.position().line(), err.position().column(), "syntax error: " + err.getMessage());
    }
    problems.throwIfAny();
    Map<String, Map<String, Entry>> envs = read(toml, fileName, false, problems);
    problems.throwIfAny();
    return envs;
  }

  /** Reads every environment table of a parsed file, adding each problem found to {@code problems}. */
  static Map<String, Map<String, Entry>> read(TomlParseResult toml, String fileName, boolean secretFile, Problems problems) {
    Map<String, Map<String, Entry>> envs = new LinkedHashMap<>();
    LayerReader reader = new LayerReader(fileName, secretFile, problems);
    for (String env : toml.keySet()) {
      if (toml.get(List.of(env)) instanceof TomlTable table) {
        envs.put(env, reader.read(env, table));
      } else {
        var pos = toml.inputPositionOf(List.of(env));
        problems.at(fileName, pos.line(), pos.column(), "top-level key '" + env
            + "' must be inside an environment table such as [default]");
      }
    }
    return envs;
  }
}
