package dev.drover.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.tomlj.TomlArray;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/** Reads {@code [[<env>.balancer.rate_limit.routes]]}: each rule's keys checked, problems named by rule number. */
final class RoutesReader {
  private static final List<String> NAMES = List.of("path", "method", "limit", "burst");
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  private final String file;
  private final String env;
  private final Problems problems;

  RoutesReader(String file, String env, Problems problems) {
    this.file = file;
    this.env = env;
    this.problems = problems;
  }

  List<RouteRule> read(Object raw, int line) {
    // tomlj 1.x arrays are heterogeneous and containsTables() only throws, so each element is checked.
    if (!(raw instanceof TomlArray array) || !array.toList().stream().allMatch(TomlTable.class::isInstance)) {
      throw new IllegalArgumentException("an array of tables [[" + env + ".balancer.rate_limit.routes]]");
    }
    List<RouteRule> rules = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      TomlPosition pos = array.inputPositionOf(i);
      RouteRule rule = readRule(array.getTable(i), i + 1, pos == null ? line : pos.line());
      if (rule != null) {
        rules.add(rule);
      }
    }
    return List.copyOf(rules);
  }

  private RouteRule readRule(TomlTable t, int number, int line) {
    String label = "[" + env + ".balancer.rate_limit.routes][" + number + "]";
    boolean ok = true;
    for (String name : t.keySet()) {
      if (!NAMES.contains(name)) {
        TomlPosition p = t.inputPositionOf(List.of(name));
        problems.at(file, p.line(), p.column(), label + " unknown key '" + name + "'" + Suggest.hint(name, NAMES));
        ok = false;
      }
    }
    String path = t.get("path") instanceof String s ? s : null;
    if (path == null || !path.startsWith("/") || path.indexOf('*') >= 0 && path.indexOf('*') != path.length() - 1) {
      problems.at(file, lineOf(t, "path", line), 0, label + ".path must be a path such as \"/login\" or a prefix such as \"/api/*\""
          + (t.contains("path") ? ", got " + Toml.literal(t.get("path")) : ""));
      ok = false;
    }
    String method = "";
    if (t.contains("method")) {
      Object m = t.get("method");
      if (m instanceof String s && METHODS.contains(s.toUpperCase(Locale.ROOT))) {
        method = s.toUpperCase(Locale.ROOT);
      } else {
        problems.at(file, lineOf(t, "method", line), 0, label + ".method must be one of " + String.join(", ", sorted(METHODS))
            + ", got " + Toml.literal(m));
        ok = false;
      }
    }
    Rate limit = null;
    try {
      if (!t.contains("limit")) {
        throw new IllegalArgumentException("set, a rate such as \"10/second\"");
      }
      limit = (Rate) ValueType.RATE.fromToml(t.get("limit"));
    } catch (IllegalArgumentException e) {
      problems.at(file, lineOf(t, "limit", line), 0, label + ".limit must be " + e.getMessage()
          + (t.contains("limit") ? ", got " + Toml.literal(t.get("limit")) : ""));
      ok = false;
    }
    int burst = 0;
    if (t.contains("burst")) {
      try {
        burst = (Integer) ValueType.integer(0, 1_000_000).fromToml(t.get("burst"));
      } catch (IllegalArgumentException e) {
        problems.at(file, lineOf(t, "burst", line), 0, label + ".burst must be " + e.getMessage() + ", got " + Toml.literal(t.get("burst")));
        ok = false;
      }
    }
    return ok ? new RouteRule(path, method, limit, burst) : null;
  }

  private static int lineOf(TomlTable t, String key, int fallback) {
    TomlPosition p = t.contains(key) ? t.inputPositionOf(List.of(key)) : null;
    return p == null ? fallback : p.line();
  }

  private static List<String> sorted(Set<String> s) {
    return s.stream().sorted().toList();
  }

  /** The declared type of the routes key; its rules are read with positions by {@link RoutesReader}. */
  static final class RoutesType implements ValueType {
    @Override
    public Object fromToml(Object raw) {
      Problems problems = new Problems();
      List<RouteRule> rules = new RoutesReader("", "", problems).read(raw, 0);
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException("route rules with path, limit and optional method and burst");
      }
      return rules;
    }

    @Override
    public Object fromText(String text) {
      throw new IllegalArgumentException("set in settings.toml (route rules cannot come from the environment)");
    }

    @Override
    public String toToml(Object value) {
      List<String> rules = new ArrayList<>();
      for (Object o : (List<?>) value) {
        RouteRule r = (RouteRule) o;
        StringBuilder b = new StringBuilder("{path = ").append(Toml.quote(r.path()));
        if (!r.method().isEmpty()) {
          b.append(", method = ").append(Toml.quote(r.method()));
        }
        b.append(", limit = ").append(Toml.quote(r.limit().toString()));
        if (r.burst() > 0) {
          b.append(", burst = ").append(r.burst());
        }
        rules.add(b.append('}').toString());
      }
      return "[" + String.join(", ", rules) + "]";
    }

    @Override
    public Object toJson(Object value) {
      List<Map<String, Object>> out = new ArrayList<>();
      for (Object o : (List<?>) value) {
        RouteRule r = (RouteRule) o;
        out.add(Map.of("path", r.path(), "method", r.method(), "limit", r.limit().toString(), "burst", r.burst()));
      }
      return out;
    }
  }
}
