package dev.drover.config;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Fresh random tokens for {@code secret_key} and {@code drover secret}. */
public final class SecretGenerator {
  public static final int DEFAULT_BYTES = 24;
  private final SecureRandom random;

  public SecretGenerator(SecureRandom random) {
    this.random = random;
  }

  /** {@code bytes} random bytes from the secure random source, as lower-case hex. */
  public String hex(int bytes) {
    if (bytes < 1 || bytes > 1024) {
      throw new DroverException("--bytes must be from 1 to 1024, got " + bytes);
    }
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
