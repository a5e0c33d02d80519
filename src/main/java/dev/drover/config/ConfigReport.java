package dev.drover.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code config show} prints: the effective settings of one environment as TOML or as a JSON-ready
 * tree, each value masked when secret unless revealing was asked for, optionally with its origin.
 */
public final class ConfigReport {
  private final Config config;
  private final boolean reveal;

  public ConfigReport(Config config, boolean reveal) {
    this.config = config;
    this.reveal = reveal;
  }

  /** TOML grouped by section; with {@code origins}, each line ends with a comment naming where it came from. */
  public String toml(boolean origins) {
    Map<String, List<Entry>> bySection = new LinkedHashMap<>();
    for (String section : Schema.sections()) {
      bySection.put(section, new ArrayList<>());
    }
    for (Entry e : config.entries().values()) {
      String path = e.key().path();
      String section = path.startsWith(Schema.APP_SETTINGS + ".") ? Schema.APP_SETTINGS : e.key().section();
      bySection.computeIfAbsent(section, s -> new ArrayList<>()).add(e);
    }
    StringBuilder out = new StringBuilder("# effective settings of environment \"" + config.env() + "\"\n");
    bySection.forEach((section, entries) -> {
      if (entries.isEmpty()) {
        return;
      }
      if (!section.isEmpty()) {
        out.append('\n').append('[').append(section).append("]\n");
      }
      List<String> lines = new ArrayList<>();
      int width = 0;
      for (Entry e : entries) {
        String name = e.key().path().substring(section.isEmpty() ? 0 : section.length() + 1);
        String line = name + " = " + value(e);
        lines.add(line);
        width = Math.max(width, line.length());
      }
      for (int i = 0; i < entries.size(); i++) {
        out.append(origins ? pad(lines.get(i), width) + "  # " + entries.get(i).origin() : lines.get(i)).append('\n');
      }
    });
    return out.toString();
  }

  /** {@code {"env": ..., "settings": {nested}, "origins": {"path": "settings.toml:5"}}}; origins only when asked. */
  public Map<String, Object> json(boolean origins) {
    Map<String, Object> settings = new LinkedHashMap<>();
    Map<String, Object> where = new LinkedHashMap<>();
    for (Entry e : config.entries().values()) {
      put(settings, e.key().path(), reveal || !e.secret() ? e.key().type().toJson(e.value()) : Secret.MASK);
      where.put(e.key().path(), e.origin().toString());
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("env", config.env());
    out.put("settings", settings);
    if (origins) {
      out.put("origins", where);
    }
    return out;
  }

  private String value(Entry e) {
    return reveal ? e.key().type().toToml(e.value()) : e.display();
  }

  @SuppressWarnings("unchecked")
  private static void put(Map<String, Object> tree, String path, Object value) {
    String[] parts = path.split("\\.");
    Map<String, Object> node = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      node = (Map<String, Object>) node.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
    }
    node.put(parts[parts.length - 1], value);
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(width - s.length());
  }
}
