package dev.drover.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/** Small helpers to write TOML literals and to describe a value a user wrote. */
public final class Toml {
  private Toml() {
  }

  public static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /** Writes any value tomlj can hold (or a plain map/list) as a TOML literal. */
  public static String literal(Object v) {
    if (v instanceof String s) {
      return quote(s);
    }
    if (v instanceof TomlTable t) {
      return inlineTable(t.toMap());
    }
    if (v instanceof Map<?, ?> m) {
      return inlineTable(m);
    }
    if (v instanceof TomlArray a) {
      return literal(a.toList());
    }
    if (v instanceof List<?> l) {
      List<String> parts = new ArrayList<>();
      l.forEach(e -> parts.add(literal(e)));
      return "[" + String.join(", ", parts) + "]";
    }
    return String.valueOf(v);
  }

  static String inlineTable(Map<?, ?> map) {
    List<String> parts = new ArrayList<>();
    map.forEach((k, v) -> parts.add(k + " = " + literal(v)));
    return "{" + String.join(", ", parts) + "}";
  }

  /** Parses a single TOML value, e.g. {@code ["a", "b"]}; a syntax error is reported as the expected form. */
  static Object parseValue(String text, String expected) {
    TomlParseResult r = org.tomlj.Toml.parse("v = " + text);
    if (r.hasErrors()) {
      throw new IllegalArgumentException(expected);
    }
    return r.get("v");
  }
}
