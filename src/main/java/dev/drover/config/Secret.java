package dev.drover.config;

/**
 * A value that must never be printed. {@link #toString()} masks it, so a secret that slips into a log
 * line or an error message shows as {@value #MASK}; only {@link #reveal()} gives the value.
 */
public final class Secret {
  /** The shortest key drover signs with (HMAC-SHA256 wants a key as long as its output). */
  public static final int MIN_SIGNING_KEY_BYTES = 32;

  public static final String MASK = "********";

  private final String value;

  public Secret(String value) {
    this.value = value;
  }

  public String reveal() {
    return value;
  }

  public boolean isEmpty() {
    return value.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && s.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return MASK;
  }
}
