package dev.drover.balancer;

import dev.drover.config.BalancerSettings;
import dev.drover.config.TlsSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The balancer's certificate and key, read from {@code balancer.tls.cert} and {@code balancer.tls.key} (PEM,
 * relative to the project directory) into an {@link SSLContext}.
 *
 * <p>Rotation: every {@link #reconfigure} reads both files again, even when the paths are unchanged (a renewal
 * usually rewrites them in place), and hands the listener a whole new SSLContext. New connections handshake
 * with it; open connections keep the engine, and so the certificate, they were made with, and are never
 * dropped. A new context also starts with an empty session cache, so no client resumes a session of the old
 * certificate. Turning TLS on or off needs a new listener and is the reload plan's to refuse.
 */
final class ServerTls implements Reconfigurable {
  static final String CERT_KEY = "balancer.tls.cert";
  static final String KEY_KEY = "balancer.tls.key";
  private static final System.Logger LOG = System.getLogger(ServerTls.class.getName());
  /** Guards nothing: the key store lives in memory only, for the key manager factory to read back at once. */
  private static final char[] STORE_PASSWORD = new char[0];

  private final Path projectDir;
  private SSLContext context;
  private FrontListener front;

  /** Throws IllegalArgumentException naming the key and the file when the pair cannot be used. */
  ServerTls(Path projectDir, TlsSettings tls) {
    this.projectDir = projectDir;
    this.context = load(projectDir, tls);
  }

  synchronized SSLContext context() {
    return context;
  }

  /** From now on {@link #reconfigure} rotates the certificate of {@code listener}'s new connections. */
  synchronized void attach(FrontListener listener) {
    this.front = listener;
    listener.updateSslContext(context);
  }

  @Override
  public void reconfigure(BalancerSettings settings) {
    if (!settings.tls().enabled()) {
      return; // plain HTTP needs a new listener: a restart, as the reload plan tells the user
    }
    SSLContext next = load(projectDir, settings.tls());
    synchronized (this) {
      context = next;
      if (front != null) {
        front.updateSslContext(next);
      }
    }
  }

  /** The certificate chain and key of {@code tls} as a server SSLContext. */
  static SSLContext load(Path projectDir, TlsSettings tls) {
    Path certFile = projectDir.resolve(tls.cert()).toAbsolutePath().normalize();
    List<Pem.Block> certBlocks = blocks(certFile, CERT_KEY);
    List<X509Certificate> chain = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Pem.Block b : certBlocks) {
        if (b.label().equals("CERTIFICATE")) {
          chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(CERT_KEY + ": " + certFile + " holds a certificate the JDK cannot read: "
          + e.getMessage());
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException(CERT_KEY + ": " + certFile + " holds no certificate"
          + " (-----BEGIN CERTIFICATE-----)");
    }
    X509Certificate leaf = chain.get(0);
    if (leaf.getNotAfter().before(new Date())) {
      LOG.log(System.Logger.Level.WARNING, "the certificate in {0} expired on {1}; browsers will refuse it",
          certFile, leaf.getNotAfter());
    }

    Path keyFile = tls.key().isEmpty() ? certFile : projectDir.resolve(tls.key()).toAbsolutePath().normalize();
    List<Pem.Block> keyBlocks = keyFile.equals(certFile) ? certBlocks : blocks(keyFile, KEY_KEY);
    Pem.Block keyBlock = keyBlocks.stream().filter(b -> PrivateKeys.isKey(b.label())).findFirst().orElse(null);
    if (keyBlock == null) {
      throw new IllegalArgumentException(tls.key().isEmpty()
          ? KEY_KEY + " is not set and " + certFile + " (" + CERT_KEY + ") holds no private key"
          : KEY_KEY + ": " + keyFile + " holds no private key (-----BEGIN PRIVATE KEY-----)");
    }
    PrivateKey key;
    try {
      key = PrivateKeys.decode(keyBlock, leaf.getPublicKey().getAlgorithm(), keyFile);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(KEY_KEY + ": " + keyFile + " " + e.getMessage());
    }
    if (!belongTogether(leaf.getPublicKey(), key)) {
      throw new IllegalArgumentException(KEY_KEY + ": " + keyFile + " is not the key of the certificate in "
          + certFile + " (" + CERT_KEY + ")");
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("drover", key, STORE_PASSWORD, chain.toArray(new X509Certificate[0]));
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, STORE_PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      LOG.log(System.Logger.Level.INFO, "TLS certificate {0}, serial {1}, valid until {2}",
          leaf.getSubjectX500Principal().getName(), leaf.getSerialNumber().toString(16), leaf.getNotAfter());
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(KEY_KEY + ": " + keyFile + " and " + certFile + " cannot be used for TLS: "
          + e.getMessage());
    }
  }

  private static List<Pem.Block> blocks(Path file, String key) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(key + ": " + file + " does not exist");
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException(key + ": " + file + " cannot be read (permission denied)");
    } catch (IOException e) {
      throw new IllegalArgumentException(key + ": " + file + " cannot be read: " + e.getMessage());
    }
    try {
      return Pem.read(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + file + " " + e.getMessage());
    }
  }

  /** A key from one pair and a certificate from another would fail every handshake, far from the cause. */
  static boolean belongTogether(PublicKey publicKey, PrivateKey key) {
    if (publicKey instanceof RSAPublicKey rsaPublic && key instanceof RSAPrivateCrtKey rsa) {
      return rsaPublic.getModulus().equals(rsa.getModulus());
    }
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
      default -> null;
    };
    if (algorithm == null) {
      return true; // nothing cheap to compare; the first handshake will tell
    }
    try {
      byte[] probe = "drover key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
