package dev.drover.balancer;

import java.util.regex.Pattern;

/**
 * Writes Prometheus text exposition format 0.0.4: per family a {@code # HELP} and a {@code # TYPE} line, then
 * its samples, one per line. Small enough to write by hand, which spares a client library on every worker host.
 */
final class PrometheusText {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private final StringBuilder out = new StringBuilder(4096);

  /** Starts a family; its samples must follow before the next family starts. */
  PrometheusText family(String name, String type, String help) {
    out.append("# HELP ").append(checkName(name)).append(' ').append(escapeHelp(help)).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    return this;
  }

  PrometheusText sample(String name, long value) {
    out.append(checkName(name)).append(' ').append(value).append('\n');
    return this;
  }

  PrometheusText sample(String name, double value) {
    out.append(checkName(name)).append(' ').append(number(value)).append('\n');
    return this;
  }

  PrometheusText sample(String name, String label, String labelValue, long value) {
    if (!LABEL.matcher(label).matches()) {
      throw new IllegalArgumentException("not a label name: " + label);
    }
    out.append(checkName(name)).append('{').append(label).append("=\"").append(escapeLabelValue(labelValue))
        .append("\"} ").append(value).append('\n');
    return this;
  }

  String text() {
    return out.toString();
  }

  /** A label value between double quotes: backslash, double quote and line feed are escaped. */
  static String escapeLabelValue(String value) {
    return escape(value, true);
  }

  /** A HELP text: backslash and line feed are escaped, a double quote is not. */
  static String escapeHelp(String help) {
    return escape(help, false);
  }

  /** A float as Prometheus parses it: {@code +Inf}, {@code -Inf}, {@code NaN}, and whole numbers without ".0". */
  static String number(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  private static String escape(String s, boolean quote) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String replacement = switch (c) {
        case '\\' -> "\\\\";
        case '\n' -> "\\n";
        case '"' -> quote ? "\\\"" : null;
        default -> null;
      };
      if (replacement != null && b == null) {
        b = new StringBuilder(s.length() + 8).append(s, 0, i);
      }
      if (b != null) {
        if (replacement != null) {
          b.append(replacement);
        } else {
          b.append(c);
        }
      }
    }
    return b == null ? s : b.toString();
  }

  private static String checkName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a metric name: " + name);
    }
    return name;
  }
}
