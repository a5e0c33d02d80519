package dev.drover.config;

/**
 * One setting of the schema: its dotted path inside an environment table, its declared type, its
 * built-in default and the one-line description {@code init} writes beside it.
 */
public record Key(String path, ValueType type, Object defaultValue, String doc) {

  /** The table part of the path ("balancer.rate_limit"), empty for a top-level key. */
  public String section() {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? "" : path.substring(0, dot);
  }

  /** The last segment of the path ("listen"). */
  public String name() {
    return path.substring(path.lastIndexOf('.') + 1);
  }
}
