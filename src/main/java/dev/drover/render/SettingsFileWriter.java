package dev.drover.render;

import dev.drover.config.Entry;
import dev.drover.config.Key;
import dev.drover.config.Schema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the settings.toml of a new project. {@code [default]} lists every key of the schema with its
 * built-in default, commented out, so the file documents itself and uncommenting a line changes nothing
 * until its value is edited; the keys a template sets are written uncommented. A {@code [development]}
 * and a {@code [production]} table follow, plus any other environment the template sets.
 */
final class SettingsFileWriter {
  static final String DEFAULT = "default";
  static final String DEVELOPMENT = "development";
  static final String PRODUCTION = "production";
  // Doc comments line up at this column unless a line is longer; wider would push them off a laptop screen.
  private static final int DOC_COLUMN = 40;
  private static final int DOC_GAP = 3;

  private final String projectName;
  /** Environment → dotted path → typed value, for every key written uncommented. */
  private final Map<String, Map<String, Object>> values = new LinkedHashMap<>();

  /** @param templateValues the environment tables of the template's drover-template.toml, already validated */
  SettingsFileWriter(String projectName, Map<String, Map<String, Entry>> templateValues) {
    this.projectName = projectName;
    values.put(DEFAULT, new LinkedHashMap<>());
    values.put(DEVELOPMENT, new LinkedHashMap<>());
    // A server is reached from other machines, and its log level must not inherit a DEBUG set in [default].
    Map<String, Object> production = new LinkedHashMap<>();
    production.put("log_level", parse("log_level", "INFO"));
    production.put("balancer.listen", parse("balancer.listen", "0.0.0.0:8000"));
    values.put(PRODUCTION, production);
    templateValues.forEach((env, entries) -> {
      Map<String, Object> table = values.computeIfAbsent(env, e -> new LinkedHashMap<>());
      entries.forEach((path, entry) -> table.put(path, entry.value()));
    });
  }

  String write() {
    StringBuilder out = new StringBuilder();
    out.append("""
        # Settings of %s, read by drover.
        #
        # [default] applies in every environment; a table named after an environment ([development],
        # [production] or one you add) overrides it when that environment runs. The environment is
        # --env, else the DROVER_ENV variable, else development. .secrets.toml has the same shape, is
        # kept out of git and is read on top of this file; environment variables DROVER_SECTION__KEY
        # override both, for example DROVER_BALANCER__LISTEN=127.0.0.1:9000 or DROVER_CLUSTER__WORKERS=3.
        #
        # Every setting is listed in [default] with its built-in default, commented out: uncomment a
        # line and edit its value to change it.
        """.formatted(projectName));
    writeDefault(out);
    for (String env : values.keySet()) {
      if (!env.equals(DEFAULT)) {
        writeEnvironment(out, env);
      }
    }
    return out.toString();
  }

  private void writeDefault(StringBuilder out) {
    Map<String, Object> set = values.get(DEFAULT);
    for (String section : Schema.sections()) {
      out.append('\n').append(header(DEFAULT, section)).append('\n');
      List<String[]> lines = new ArrayList<>();
      Key routes = null;
      for (Key key : Schema.keys()) {
        if (!key.section().equals(section)) {
          continue;
        }
        if (set.containsKey(key.path())) {
          lines.add(new String[] {assignment(key, set.get(key.path())), key.doc()});
        } else if (key.type() == Schema.ROUTES) {
          routes = key; // an array of tables must follow the plain keys of its section
        } else {
          lines.add(new String[] {"# " + assignment(key, key.defaultValue()), key.doc()});
        }
      }
      appendAligned(out, lines);
      if (routes != null) {
        out.append("# Limits of their own for chosen paths: one table per rule, with path, method, limit and burst.\n")
            .append("# [[").append(DEFAULT).append('.').append(routes.path()).append("]]\n")
            .append("# path = \"/login\"\n")
            .append("# method = \"POST\"\n")
            .append("# limit = \"10/second\"\n");
      }
      if (section.isEmpty()) {
        writeAppSettings(out, set);
      }
    }
  }

  private void writeAppSettings(StringBuilder out, Map<String, Object> set) {
    out.append("\n# The app's own settings: handed to it, with the secrets, as a map of strings.\n");
    Set<String> sections = appSettingsSections(set);
    if (sections.isEmpty()) {
      out.append("# ").append(header(DEFAULT, Schema.APP_SETTINGS)).append('\n')
          .append("# greeting = \"Hello from drover\"\n");
      return;
    }
    for (String section : sections) {
      writeSection(out, DEFAULT, section, set, section.equals(Schema.APP_SETTINGS));
    }
  }

  private void writeEnvironment(StringBuilder out, String env) {
    Map<String, Object> set = values.get(env);
    out.append('\n');
    if (env.equals(DEVELOPMENT)) {
      out.append("# The environment when none is chosen: your machine.\n");
    } else if (env.equals(PRODUCTION)) {
      out.append("# drover start --env production, or DROVER_ENV=production. Refuses a .secrets.toml that\n"
          + "# group or others can read.\n");
    }
    out.append(header(env, "")).append('\n');
    writeKeys(out, env, "", set);
    if (env.equals(DEVELOPMENT) && !set.containsKey("log_level")) {
      out.append("# log_level = \"DEBUG\"\n");
    }
    for (String section : appSettingsSections(set)) {
      writeSection(out, env, section, set, false);
    }
    for (String section : Schema.sections()) {
      if (!section.isEmpty() && set.keySet().stream().anyMatch(p -> sectionOf(p).equals(section))) {
        writeSection(out, env, section, set, false);
      }
    }
  }

  private void writeSection(StringBuilder out, String env, String section, Map<String, Object> set, boolean tight) {
    out.append(tight ? "" : "\n").append(header(env, section)).append('\n');
    writeKeys(out, env, section, set);
  }

  /** The set keys of one section: schema keys in schema order, then the app's in the template's order. */
  private void writeKeys(StringBuilder out, String env, String section, Map<String, Object> set) {
    List<String[]> lines = new ArrayList<>();
    for (Key key : Schema.keys()) {
      if (key.section().equals(section) && set.containsKey(key.path())) {
        lines.add(new String[] {assignment(key, set.get(key.path())), key.doc()});
      }
    }
    set.forEach((path, value) -> {
      if (sectionOf(path).equals(section) && Schema.isFree(section)) {
        lines.add(new String[] {assignment(Schema.key(path).orElseThrow(), value), ""});
      }
    });
    appendAligned(out, lines);
  }

  private static Set<String> appSettingsSections(Map<String, Object> set) {
    Set<String> sections = new LinkedHashSet<>();
    set.keySet().stream().map(SettingsFileWriter::sectionOf).filter(Schema::isFree).sorted().forEach(sections::add);
    return sections;
  }

  /** Each line is {text, doc}; the docs line up as a column. */
  private static void appendAligned(StringBuilder out, List<String[]> lines) {
    int width = 0;
    for (String[] line : lines) {
      if (line[0].length() + DOC_GAP <= DOC_COLUMN) {
        width = Math.max(width, line[0].length());
      }
    }
    for (String[] line : lines) {
      out.append(line[0]);
      if (!line[1].isEmpty()) {
        out.append(" ".repeat(Math.max(DOC_GAP, width + DOC_GAP - line[0].length()))).append("# ").append(line[1]);
      }
      out.append('\n');
    }
  }

  private static String assignment(Key key, Object value) {
    return key.name() + " = " + key.type().toToml(value);
  }

  private static String header(String env, String section) {
    return "[" + env + (section.isEmpty() ? "" : "." + section) + "]";
  }

  private static String sectionOf(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? "" : path.substring(0, dot);
  }

  private static Object parse(String path, String text) {
    return Schema.key(path).orElseThrow().type().fromText(text);
  }
}
