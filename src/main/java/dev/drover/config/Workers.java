package dev.drover.config;

/** {@code workers = "auto"} (cores×2+1, gunicorn's rule of thumb) or a fixed count. */
public record Workers(int fixed) {
  public static final Workers AUTO = new Workers(0);

  /** Parses "auto" or a positive count; the message of the exception is fit to follow "must be". */
  public static Workers parse(String text) {
    String t = text.trim();
    if (t.equals("auto")) {
      return AUTO;
    }
    try {
      int n = Integer.parseInt(t);
      if (n > 0) {
        return new Workers(n);
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException("\"auto\" or a positive integer");
  }

  public boolean isAuto() {
    return fixed == 0;
  }

  /** The number of workers on a machine with this many cores. */
  public int count(int cores) {
    return isAuto() ? cores * 2 + 1 : fixed;
  }

  @Override
  public String toString() {
    return isAuto() ? "auto" : Integer.toString(fixed);
  }
}
