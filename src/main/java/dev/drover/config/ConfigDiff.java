package dev.drover.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** The settings that differ between two environments, secrets masked on both sides. */
public final class ConfigDiff {
  private static final String UNSET = "(unset)";

  /** One differing key: its path and each side's display value. */
  public record Row(String path, String left, String right) {
  }

  private ConfigDiff() {
  }

  public static List<Row> between(Config a, Config b) {
    Set<String> paths = new LinkedHashSet<>(a.entries().keySet());
    paths.addAll(b.entries().keySet());
    List<Row> rows = new ArrayList<>();
    for (String path : paths) {
      Entry left = a.entries().get(path);
      Entry right = b.entries().get(path);
      if (left != null && right != null && Objects.equals(left.value(), right.value())) {
        continue;
      }
      rows.add(new Row(path, left == null ? UNSET : left.display(), right == null ? UNSET : right.display()));
    }
    return rows;
  }

  /** A plain table with a header naming the two environments. */
  public static String table(String envA, String envB, List<Row> rows) {
    if (rows.isEmpty()) {
      return "no differences between " + envA + " and " + envB + "\n";
    }
    int w1 = "key".length();
    int w2 = envA.length();
    for (Row r : rows) {
      w1 = Math.max(w1, r.path().length());
      w2 = Math.max(w2, r.left().length());
    }
    StringBuilder out = new StringBuilder();
    String format = "%-" + w1 + "s  %-" + w2 + "s  %s%n";
    out.append(String.format(format, "key", envA, envB));
    for (Row r : rows) {
      out.append(String.format(format, r.path(), r.left(), r.right()));
    }
    return out.toString();
  }
}
