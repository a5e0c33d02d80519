package dev.drover.render;

import dev.drover.config.HostPort;
import dev.drover.config.TlsSettings;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The certificate and key a front loads, as absolute paths: settings name them relative to the project,
 * while nginx and HAProxy resolve relative paths against their own directories. Only the key's path is
 * carried, never its content.
 */
record TlsFiles(Path cert, Path key, int redirectFrom) {

  static Optional<TlsFiles> of(TlsSettings tls, Path projectDir) {
    if (!tls.enabled()) {
      return Optional.empty();
    }
    Path cert = projectDir.resolve(tls.cert()).toAbsolutePath().normalize();
    // No key path means the certificate file holds the key too, which both fronts accept.
    Path key = tls.key().isEmpty() ? cert : projectDir.resolve(tls.key()).toAbsolutePath().normalize();
    return Optional.of(new TlsFiles(cert, key, tls.redirectFrom()));
  }

  /** What a redirect must add after the host to reach the TLS listener: nothing for 443. */
  static String portSuffix(HostPort listen) {
    return listen.port() == 443 ? "" : ":" + listen.port();
  }
}
