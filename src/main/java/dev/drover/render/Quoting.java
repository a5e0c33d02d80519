package dev.drover.render;

import java.util.regex.Pattern;

/** Writes a path or word so each config syntax reads it back as one token, whatever characters it holds. */
final class Quoting {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:@+,=~-]+");

  private Quoting() {
  }

  /** nginx reads {@code "..."} with backslash escapes as one argument. */
  static String nginx(String word) {
    if (PLAIN.matcher(word).matches()) {
      return word;
    }
    return '"' + word.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /** HAProxy reads {@code "..."} as one argument and expands {@code $NAME} inside it unless escaped. */
  static String haproxy(String word) {
    if (PLAIN.matcher(word).matches()) {
      return word;
    }
    return '"' + word.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "\\$") + '"';
  }

  /**
   * One argument of a systemd {@code ExecStart=}: {@code %} starts a specifier and {@code $} a variable, so
   * both are doubled; spaces and quotes need C-style double quoting.
   */
  static String systemdArgument(String word) {
    String escaped = systemdValue(word).replace("$", "$$");
    if (PLAIN.matcher(word).matches()) {
      return escaped;
    }
    return '"' + escaped.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /** A systemd value that is not split into words ({@code WorkingDirectory=}, {@code Description=}). */
  static String systemdValue(String value) {
    return value.replace("%", "%%");
  }
}
