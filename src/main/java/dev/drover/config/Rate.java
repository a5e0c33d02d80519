package dev.drover.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A request rate as flask-limiter writes it: {@code "200/minute"}, {@code "10/second"}, {@code "1000 per hour"}. */
public record Rate(long count, Duration period) {
  private static final Pattern FORM =
      Pattern.compile("(\\d+)\\s*(?:/|\\s+per\\s+)\\s*(second|minute|hour|day|s|m|h|d)", Pattern.CASE_INSENSITIVE);

  public Rate {
    if (count <= 0) {
      throw new IllegalArgumentException("a rate needs a positive count");
    }
  }

  /** Parses a rate; the message of the exception is fit to follow "must be". */
  public static Rate parse(String text) {
    Matcher m = FORM.matcher(text.trim());
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new IllegalArgumentException("a rate such as \"200/minute\" or \"10/second\"");
    }
    Duration period = switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "second", "s" -> Duration.ofSeconds(1);
      case "minute", "m" -> Duration.ofMinutes(1);
      case "hour", "h" -> Duration.ofHours(1);
      default -> Duration.ofDays(1);
    };
    return new Rate(Long.parseLong(m.group(1)), period);
  }

  /** The unit word of the period: second, minute, hour or day. */
  public String unit() {
    long s = period.toSeconds();
    return s == 1 ? "second" : s == 60 ? "minute" : s == 3600 ? "hour" : "day";
  }

  /** Requests per second, as a fraction. */
  public double perSecond() {
    return (double) count / period.toSeconds();
  }

  @Override
  public String toString() {
    return count + "/" + unit();
  }
}
