package dev.drover.render;

import dev.drover.config.Config;
import dev.drover.config.Entry;
import dev.drover.config.Schema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The effective settings of one environment as a settings.toml of that single environment, for a container
 * that cannot read the project: every value resolved, every secret left out (secrets travel separately, as
 * a mounted secret), so the file can live in a ConfigMap anyone with read access to the cluster sees.
 */
final class EnvironmentToml {
  private EnvironmentToml() {
  }

  static String of(Config config) {
    Map<String, List<String>> bySection = new LinkedHashMap<>();
    for (String section : Schema.sections()) {
      bySection.put(section, new ArrayList<>());
    }
    for (Entry e : config.entries().values()) {
      if (e.secret()) {
        continue;
      }
      String path = e.key().path();
      boolean app = path.startsWith(Schema.APP_SETTINGS + ".");
      String section = app ? Schema.APP_SETTINGS : e.key().section();
      String name = path.substring(section.isEmpty() ? 0 : section.length() + 1);
      bySection.computeIfAbsent(section, s -> new ArrayList<>())
          .add(name + " = " + e.key().type().toToml(e.value()));
    }
    StringBuilder out = new StringBuilder();
    bySection.forEach((section, lines) -> {
      if (lines.isEmpty()) {
        return;
      }
      out.append(out.length() == 0 ? "" : "\n").append('[').append(config.env())
          .append(section.isEmpty() ? "" : "." + section).append("]\n");
      lines.forEach(l -> out.append(l).append('\n'));
    });
    return out.toString();
  }
}
