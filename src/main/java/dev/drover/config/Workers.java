package dev.drover.config;

/** {@code workers = "auto"} (cores×2+1, gunicorn's rule of thumb) or a fixed count. */
public record Workers(int fixed) {
  public static final Workers AUTO = new Workers(0);

  /** The most workers one supervisor runs; sanity limits against the machine apply below it. */
  public static final int MAX = 1024;

  /** Parses "auto" or a count from 1 to {@link #MAX}; the message of the exception is fit to follow "must be". */
  public static Workers parse(String text) {
    String t = text.trim();
    if (t.equals("auto")) {
      return AUTO;
    }
    try {
      int n = Integer.parseInt(t);
      if (n > 0 && n <= MAX) {
        return new Workers(n);
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException("\"auto\" or an integer from 1 to " + MAX);
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
