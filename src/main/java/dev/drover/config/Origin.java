package dev.drover.config;

/** Where a setting's value came from: the built-in default, a file and line, or an environment variable. */
public record Origin(String source, int line, int column) {
  public static final Origin DEFAULT = new Origin("built-in default", 0, 0);

  public static Origin file(String file, int line, int column) {
    return new Origin(file, line, column);
  }

  public static Origin env(String variable) {
    return new Origin("env " + variable, 0, 0);
  }

  public boolean isFile() {
    return line > 0;
  }

  /** {@code settings.toml:5}, {@code env DROVER_X} or {@code built-in default}. */
  @Override
  public String toString() {
    return isFile() ? source + ":" + line : source;
  }
}
