package dev.drover.render;

import dev.drover.config.DroverException;
import dev.drover.config.Entry;
import dev.drover.config.SettingsLayers;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One built-in project template, a folder {@code templates/project/NAME/}. Its {@code drover-template.toml}
 * (shaped like settings.toml) holds the values the template sets; a {@code gitignore} file adds lines to
 * the project's .gitignore (a dot-file would be left out of the jar by the build); every other file is
 * copied, {@code *.mustache} ones rendered first. Neither of the first two is copied.
 */
record ProjectTemplate(String name, Map<String, Map<String, Entry>> values, List<String> gitignore, Map<String, byte[]> files) {
  static final String FOLDER = "project";
  static final String VALUES_FILE = "drover-template.toml";
  static final String GITIGNORE_FILE = "gitignore";
  static final String MUSTACHE = ".mustache";

  /** The template of that name; a folder without a {@value #VALUES_FILE} is not a template. */
  static ProjectTemplate find(TemplateSource source, String name) {
    Map<String, byte[]> all = source.builtInTree(FOLDER);
    TreeSet<String> names = new TreeSet<>();
    for (String path : all.keySet()) {
      int slash = path.indexOf('/');
      if (slash > 0 && path.substring(slash + 1).equals(VALUES_FILE)) {
        names.add(path.substring(0, slash));
      }
    }
    if (!names.contains(name)) {
      throw new DroverException("unknown template '" + name + "' (templates: " + String.join(", ", names) + ")");
    }
    Map<String, byte[]> files = new TreeMap<>();
    String prefix = name + "/";
    all.forEach((path, bytes) -> {
      if (path.startsWith(prefix)) {
        files.put(path.substring(prefix.length()), bytes);
      }
    });
    String valuesText = new String(files.remove(VALUES_FILE), StandardCharsets.UTF_8);
    Map<String, Map<String, Entry>> values =
        SettingsLayers.parse(TemplateSource.BUILT_IN + FOLDER + "/" + prefix + VALUES_FILE, valuesText);
    byte[] ignore = files.remove(GITIGNORE_FILE);
    List<String> gitignore = ignore == null ? List.of()
        : new String(ignore, StandardCharsets.UTF_8).lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    return new ProjectTemplate(name, values, gitignore, Collections.unmodifiableMap(files));
  }

  /** The path a template file is written to: a rendered template loses its {@value #MUSTACHE} suffix. */
  static String target(String path) {
    return path.endsWith(MUSTACHE) ? path.substring(0, path.length() - MUSTACHE.length()) : path;
  }
}
