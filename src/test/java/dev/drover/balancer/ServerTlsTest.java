package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.drover.config.TlsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerTlsTest {
  @TempDir
  Path dir;

  @Test
  void pkcs8KeysOfBothKindsLoadFromPathsRelativeToTheProject() {
    TestTls.ec(dir.resolve("tls/ec.crt"), dir.resolve("tls/ec.key"), 1);
    TestTls.rsa(dir.resolve("tls/rsa.crt"), dir.resolve("tls/rsa.key"), 2);

    assertServes(ServerTls.load(dir, new TlsSettings("tls/ec.crt", "tls/ec.key", 0)), "tls/ec.crt", 1);
    assertServes(ServerTls.load(dir, new TlsSettings("tls/rsa.crt", "tls/rsa.key", 0)), "tls/rsa.crt", 2);
  }

  @Test
  void pkcs1RsaKeyIsReadAsTheSameKey() throws IOException {
    TestTls.rsa(dir.resolve("rsa.crt"), dir.resolve("rsa.key"), 3);
    TestTls.convert(dir.resolve("rsa.key"), dir.resolve("rsa1.key"), "rsa", "-traditional");
    assertThat(Files.readString(dir.resolve("rsa1.key"))).startsWith("-----BEGIN RSA PRIVATE KEY-----");

    RSAPrivateCrtKey pkcs8 = (RSAPrivateCrtKey) key("rsa.key", "RSA");
    RSAPrivateCrtKey pkcs1 = (RSAPrivateCrtKey) key("rsa1.key", "RSA");

    assertThat(pkcs1.getModulus()).isEqualTo(pkcs8.getModulus());
    assertThat(pkcs1.getPrivateExponent()).isEqualTo(pkcs8.getPrivateExponent());
    assertServes(ServerTls.load(dir, new TlsSettings("rsa.crt", "rsa1.key", 0)), "rsa.crt", 3);
  }

  @Test
  void sec1EcKeyIsReadAsTheSameKey() throws IOException {
    TestTls.ec(dir.resolve("ec.crt"), dir.resolve("ec.key"), 4);
    TestTls.convert(dir.resolve("ec.key"), dir.resolve("sec1.key"), "ec");
    assertThat(Files.readString(dir.resolve("sec1.key"))).startsWith("-----BEGIN EC PRIVATE KEY-----");

    ECPrivateKey pkcs8 = (ECPrivateKey) key("ec.key", "EC");
    ECPrivateKey sec1 = (ECPrivateKey) key("sec1.key", "EC");

    assertThat(sec1.getS()).isEqualTo(pkcs8.getS());
    assertServes(ServerTls.load(dir, new TlsSettings("ec.crt", "sec1.key", 0)), "ec.crt", 4);
  }

  @Test
  void encryptedKeysAreRefusedWithTheCommandThatDecryptsThem() {
    TestTls.ec(dir.resolve("ec.crt"), dir.resolve("ec.key"), 5);
    TestTls.convert(dir.resolve("ec.key"), dir.resolve("enc8.key"), "pkey", "-aes256", "-passout", "pass:secret");
    TestTls.convert(dir.resolve("ec.key"), dir.resolve("enc1.key"), "ec", "-aes256", "-passout", "pass:secret");

    for (String name : new String[] {"enc8.key", "enc1.key"}) {
      Path file = dir.resolve(name);
      assertThatThrownBy(() -> ServerTls.load(dir, new TlsSettings("ec.crt", name, 0)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("balancer.tls.key: " + file + " is encrypted with a passphrase, which a server cannot type;"
              + " write it unencrypted (and readable by drover only): openssl pkey -in " + file + " -out " + file + ".plain");
    }
  }

  @Test
  void missingFilesNameTheirKeyAndPath() {
    TestTls.ec(dir.resolve("ec.crt"), dir.resolve("ec.key"), 6);

    assertThatThrownBy(() -> ServerTls.load(dir, new TlsSettings("ec.crt", "nope.key", 0)))
        .hasMessage("balancer.tls.key: " + dir.resolve("nope.key") + " does not exist");
    assertThatThrownBy(() -> ServerTls.load(dir, new TlsSettings("nope.crt", "ec.key", 0)))
        .hasMessage("balancer.tls.cert: " + dir.resolve("nope.crt") + " does not exist");
  }

  @Test
  void filesOfTheWrongKindAreNamed() throws IOException {
    TestTls.ec(dir.resolve("ec.crt"), dir.resolve("ec.key"), 7);

    assertThatThrownBy(() -> ServerTls.load(dir, new TlsSettings("ec.key", "ec.key", 0)))
        .hasMessage("balancer.tls.cert: " + dir.resolve("ec.key") + " holds no certificate (-----BEGIN CERTIFICATE-----)");
    assertThatThrownBy(() -> ServerTls.load(dir, new TlsSettings("ec.crt", "ec.crt", 0)))
        .hasMessage("balancer.tls.key: " + dir.resolve("ec.crt") + " holds no private key (-----BEGIN PRIVATE KEY-----)");
    Files.writeString(dir.resolve("cut.key"), Files.readString(dir.resolve("ec.key")).replace("-----END PRIVATE KEY-----", ""));
    assertThatThrownBy(() -> ServerTls.load(dir, new TlsSettings("ec.crt", "cut.key", 0)))
        .hasMessage("balancer.tls.key: " + dir.resolve("cut.key") + " has \"-----BEGIN PRIVATE KEY-----\" without its"
            + " \"-----END PRIVATE KEY-----\"");
  }

  @Test
  void aKeyFromAnotherPairIsRefused() {
    TestTls.ec(dir.resolve("a.crt"), dir.resolve("a.key"), 8);
    TestTls.ec(dir.resolve("b.crt"), dir.resolve("b.key"), 9);

    assertThatThrownBy(() -> ServerTls.load(dir, new TlsSettings("a.crt", "b.key", 0)))
        .hasMessage("balancer.tls.key: " + dir.resolve("b.key") + " is not the key of the certificate in "
            + dir.resolve("a.crt") + " (balancer.tls.cert)");
  }

  @Test
  void withoutAKeyPathTheKeyIsLookedForInTheCertificateFile() throws IOException {
    TestTls.ec(dir.resolve("ec.crt"), dir.resolve("ec.key"), 10);
    Files.writeString(dir.resolve("both.pem"), Files.readString(dir.resolve("ec.crt")) + Files.readString(dir.resolve("ec.key")));

    assertServes(ServerTls.load(dir, new TlsSettings("both.pem", "", 0)), "ec.crt", 10);
    assertThatThrownBy(() -> ServerTls.load(dir, new TlsSettings("ec.crt", "", 0)))
        .hasMessage("balancer.tls.key is not set and " + dir.resolve("ec.crt") + " (balancer.tls.cert) holds no private key");
  }

  private PrivateKey key(String file, String algorithm) throws IOException {
    Pem.Block block = Pem.read(Files.readString(dir.resolve(file))).get(0);
    return PrivateKeys.decode(block, algorithm, dir.resolve(file));
  }

  /** A real handshake on a loopback socket: the client, trusting only {@code cert}, is shown that certificate. */
  private void assertServes(SSLContext context, String cert, long serial) {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 1, loopback)) {
      server.setSoTimeout(5000);
      CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
        try (SSLSocket s = (SSLSocket) server.accept()) {
          s.setSoTimeout(5000);
          s.startHandshake();
          s.getInputStream().read(); // until the client closes
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      try (SSLSocket client = (SSLSocket) TestTls.trusting(dir.resolve(cert)).getSocketFactory()
          .createSocket(loopback, server.getLocalPort())) {
        client.startHandshake();
        X509Certificate presented = (X509Certificate) client.getSession().getPeerCertificates()[0];
        assertThat(presented.getSerialNumber()).isEqualTo(BigInteger.valueOf(serial));
      }
      served.get(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
