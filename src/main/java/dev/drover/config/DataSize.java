package dev.drover.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A size in bytes, written in settings as {@code "512"}, {@code "1KB"}, {@code "10MB"}, {@code "2GB"} (powers of 1024). */
public record DataSize(long bytes) {
  private static final Pattern FORM = Pattern.compile("(\\d+)\\s*(B|KB|K|MB|M|GB|G)?", Pattern.CASE_INSENSITIVE);

  public DataSize {
    if (bytes < 0) {
      throw new IllegalArgumentException("size must not be negative");
    }
  }

  /** Parses a size; the message of the exception is fit to follow "must be". */
  public static DataSize parse(String text) {
    Matcher m = FORM.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("a size such as \"512KB\" or \"10MB\"");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
    int shift = switch (unit) {
      case "K", "KB" -> 10;
      case "M", "MB" -> 20;
      case "G", "GB" -> 30;
      default -> 0;
    };
    if (n > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("a size such as \"512KB\" or \"10MB\"");
    }
    return new DataSize(n << shift);
  }

  public static DataSize ofBytes(long bytes) {
    return new DataSize(bytes);
  }

  /** The settings spelling: the largest unit that divides exactly. */
  @Override
  public String toString() {
    if (bytes != 0 && bytes % (1L << 30) == 0) {
      return (bytes >> 30) + "GB";
    }
    if (bytes != 0 && bytes % (1L << 20) == 0) {
      return (bytes >> 20) + "MB";
    }
    if (bytes != 0 && bytes % (1L << 10) == 0) {
      return (bytes >> 10) + "KB";
    }
    return bytes + "B";
  }
}
