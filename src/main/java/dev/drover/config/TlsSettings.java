package dev.drover.config;

/** {@code [<env>.balancer.tls]}: PEM certificate and key paths; TLS is on when a certificate is set. */
public record TlsSettings(String cert, String key, int redirectFrom) {

  public boolean enabled() {
    return !cert.isEmpty();
  }
}
