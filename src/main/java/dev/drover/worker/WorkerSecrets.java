package dev.drover.worker;

import dev.drover.config.Secret;
import dev.drover.wire.SecretsLine;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The secrets a worker got on its standard input, as the first line: {@code {"secrets": {"secret_key": "…",
 * "app_settings.db_password": "…"}}}. They stay {@link Secret} values in memory, never in a file, argv or
 * the environment of the process.
 */
final class WorkerSecrets {
  private static final String APP_SETTINGS_PREFIX = "app_settings.";

  private final Map<String, Secret> byPath;

  private WorkerSecrets(Map<String, Secret> byPath) {
    this.byPath = Collections.unmodifiableMap(byPath);
  }

  static WorkerSecrets none() {
    return new WorkerSecrets(new LinkedHashMap<>());
  }

  /**
   * Parses the secrets line. The error messages never quote the line: a parser's "unexpected token" would
   * print part of a secret into the log.
   */
  static WorkerSecrets parse(String line) throws BootException {
    try {
      return new WorkerSecrets(new LinkedHashMap<>(SecretsLine.decode(line)));
    } catch (IOException e) {
      throw new BootException(e.getMessage());
    }
  }

  /** By full path ({@code app_settings.db_password}) or by the name under app_settings ({@code db_password}). */
  Optional<Secret> get(String name) {
    Secret s = byPath.get(name);
    if (s == null) {
      s = byPath.get(APP_SETTINGS_PREFIX + name);
    }
    return Optional.ofNullable(s);
  }

  /**
   * The revealed values keyed by the name an app knows them by: {@code secret_key} stays, {@code
   * app_settings.db_password} becomes {@code db_password}. Only for handing to a plain HttpHandler's
   * constructor, which cannot take the {@link Secret} type.
   */
  Map<String, String> revealedByPlainName() {
    Map<String, String> out = new LinkedHashMap<>();
    byPath.forEach((path, secret) -> out.put(plainName(path), secret.reveal()));
    return out;
  }

  int size() {
    return byPath.size();
  }

  private static String plainName(String path) {
    return path.startsWith(APP_SETTINGS_PREFIX) ? path.substring(APP_SETTINGS_PREFIX.length()) : path;
  }
}
