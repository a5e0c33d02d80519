package dev.drover.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drover.testing.Peers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A throwaway certificate and key made with the real openssl, for fronts that must load them. */
final class SelfSigned {
  private SelfSigned() {
  }

  /** Writes a self-signed certificate and its unencrypted key to the two paths. */
  static void write(Path cert, Path key) {
    Path openssl = Peers.require("openssl", "openssl");
    try {
      Files.createDirectories(cert.toAbsolutePath().getParent());
      Files.createDirectories(key.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // An EC key is made in milliseconds, an RSA one can take a second on a busy machine.
    Peers.Result r = Peers.run(List.of(openssl.toString(), "req", "-x509", "-newkey", "ec",
        "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=localhost",
        "-keyout", key.toString(), "-out", cert.toString()), cert.toAbsolutePath().getParent(), Duration.ofSeconds(30));
    assertThat(r.ok()).as("openssl: %s", r.output()).isTrue();
  }

  /** Certificate and key in one PEM file, the form HAProxy loads best. */
  static void writeCombined(Path pem) {
    Path cert = pem.resolveSibling(pem.getFileName() + ".cert.tmp");
    Path key = pem.resolveSibling(pem.getFileName() + ".key.tmp");
    write(cert, key);
    try {
      Files.writeString(pem, Files.readString(cert) + Files.readString(key));
      Files.delete(cert);
      Files.delete(key);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
