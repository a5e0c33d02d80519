package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drover.config.BalancerSettings;
import dev.drover.config.TlsSettings;
import dev.drover.testing.Peers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Throwaway certificates made with the real openssl (valid for 127.0.0.1 and localhost), clients that trust
 * exactly them, and balancer settings with TLS on.
 */
final class TestTls {
  private TestTls() {
  }

  /** A self-signed EC (P-256) certificate with {@code serial}; the key in PKCS#8, openssl's default. */
  static void ec(Path cert, Path key, long serial) {
    req(cert, key, serial, "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1");
  }

  /** A self-signed RSA 2048 certificate with {@code serial}; the key in PKCS#8. */
  static void rsa(Path cert, Path key, long serial) {
    req(cert, key, serial, "rsa:2048");
  }

  /** Rewrites {@code key} with openssl {@code args}, e.g. {@code rsa -traditional} for PKCS#1. */
  static void convert(Path key, Path out, String... args) {
    List<String> cmd = new ArrayList<>(List.of(openssl()));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("-in", key.toString(), "-out", out.toString()));
    Peers.Result r = Peers.run(cmd, key.toAbsolutePath().getParent(), Duration.ofSeconds(30));
    assertThat(r.ok()).as("openssl: %s", r.output()).isTrue();
  }

  private static void req(Path cert, Path key, long serial, String newKey, String... keyOptions) {
    try {
      Files.createDirectories(cert.toAbsolutePath().getParent());
      Files.createDirectories(key.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> cmd = new ArrayList<>(List.of(openssl(), "req", "-x509", "-newkey", newKey));
    cmd.addAll(List.of(keyOptions));
    cmd.addAll(List.of("-nodes", "-days", "2", "-subj", "/CN=localhost", "-set_serial", Long.toString(serial),
        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key.toString(), "-out", cert.toString()));
    Peers.Result r = Peers.run(cmd, cert.toAbsolutePath().getParent(), Duration.ofSeconds(60));
    assertThat(r.ok()).as("openssl: %s", r.output()).isTrue();
  }

  private static String openssl() {
    return Peers.require("openssl", "openssl").toString();
  }

  /** An SSLContext that trusts only {@code certs}. */
  static SSLContext trusting(Path... certs) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (int i = 0; i < certs.length; i++) {
        try (InputStream in = Files.newInputStream(certs[i])) {
          store.setCertificateEntry("trusted-" + i, factory.generateCertificate(in));
        }
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh client (so a fresh connection) preferring HTTP/2, trusting only {@code certs}. */
  static HttpClient client(ExecutorService executor, Path... certs) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_2)
        .sslContext(trusting(certs))
        .connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(executor)
        .build();
  }

  /** The serial number of the certificate the server presented for {@code response}. */
  static BigInteger serial(HttpResponse<?> response) {
    try {
      return ((X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0]).getSerialNumber();
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      throw new AssertionError(e);
    }
  }

  /** {@code base} with TLS set to these paths. */
  static BalancerSettings withTls(BalancerSettings base, String cert, String key, int redirectFrom) {
    return copy(base, new TlsSettings(cert, key, redirectFrom), base.accessLogFormat(), base.readTimeout());
  }

  /** {@code base} with another {@code access_log_format}. */
  static BalancerSettings withAccessLogFormat(BalancerSettings base, String format) {
    return copy(base, base.tls(), format, base.readTimeout());
  }

  /** {@code base} with another {@code read_timeout}. */
  static BalancerSettings withReadTimeout(BalancerSettings base, Duration readTimeout) {
    return copy(base, base.tls(), base.accessLogFormat(), readTimeout);
  }

  private static BalancerSettings copy(BalancerSettings b, TlsSettings tls, String accessLogFormat,
      Duration readTimeout) {
    return new BalancerSettings(b.listen(), b.strategy(), b.maxConcurrent(), b.queue(), b.maxConnectionsPerIp(),
        b.maxBody(), b.maxHeaderSize(), readTimeout, b.idleTimeout(), b.upstreamTimeout(), b.trustedProxies(),
        accessLogFormat, b.adminListen(), b.rateLimit(), tls, b.fastPath());
  }
}
