package dev.drover.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and writes the settings spelling of a duration: {@code "500ms"}, {@code "30s"}, {@code "2m"}, {@code "1h"}. */
public final class Durations {
  private static final Pattern FORM = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

  private Durations() {
  }

  /** Parses a duration; the message of the exception is fit to follow "must be". */
  public static Duration parse(String text) {
    Matcher m = FORM.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("a duration such as \"500ms\", \"30s\" or \"2m\"");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms != 0 && ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms != 0 && ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
