package dev.drover.config;

import java.util.Locale;

/** The naming rule for secrets: a key called like {@code *secret*}, {@code *password*}, {@code *token*} or {@code *_key}. */
public final class SecretNames {
  private SecretNames() {
  }

  /** True when the last segment of a dotted path looks like it holds a secret. */
  public static boolean looksSecret(String path) {
    String name = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    return name.contains("secret") || name.contains("password") || name.contains("token") || name.endsWith("_key");
  }
}
