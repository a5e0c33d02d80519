package dev.drover.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects every problem of a load so that all are reported at once, in file and line order. */
final class Problems {
  private record Problem(int sourceOrder, int line, String text) {
  }

  private final List<Problem> problems = new ArrayList<>();
  private final List<String> sources = new ArrayList<>();

  /** A problem at file:line (column 0 leaves the column out). */
  void at(String file, int line, int column, String text) {
    String where = column > 0 ? file + ":" + line + ":" + column : file + ":" + line;
    problems.add(new Problem(order(file), line, where + " " + text));
  }

  /** A problem with no file position, e.g. from an environment variable. */
  void add(String text) {
    problems.add(new Problem(Integer.MAX_VALUE, 0, text));
  }

  boolean isEmpty() {
    return problems.isEmpty();
  }

  void throwIfAny() {
    if (!problems.isEmpty()) {
      List<Problem> sorted = new ArrayList<>(problems);
      sorted.sort(Comparator.comparingInt(Problem::sourceOrder).thenComparingInt(Problem::line));
      throw new ConfigException(sorted.stream().map(Problem::text).toList());
    }
  }

  private int order(String file) {
    int i = sources.indexOf(file);
    if (i < 0) {
      sources.add(file);
      i = sources.size() - 1;
    }
    return i;
  }
}
