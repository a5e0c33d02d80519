package dev.drover.balancer;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a PEM private key block into a {@link PrivateKey} with the JDK alone. The JDK reads only PKCS#8
 * ({@code BEGIN PRIVATE KEY}); the older openssl forms, PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) and SEC1
 * ({@code BEGIN EC PRIVATE KEY}), are wrapped into PKCS#8 here, which is all the difference between them.
 * Encrypted keys are refused: a server that starts unattended has nobody to type the passphrase.
 */
final class PrivateKeys {
  static final String PKCS8 = "PRIVATE KEY";
  static final String PKCS1 = "RSA PRIVATE KEY";
  static final String SEC1 = "EC PRIVATE KEY";
  static final String ENCRYPTED_PKCS8 = "ENCRYPTED PRIVATE KEY";

  private static final int SEQUENCE = 0x30;
  private static final int OCTET_STRING = 0x04;
  private static final int CONTEXT_0 = 0xA0;
  /** INTEGER 0, the version of a PKCS#8 PrivateKeyInfo. */
  private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};
  /** OID 1.2.840.113549.1.1.1 rsaEncryption followed by NULL parameters. */
  private static final byte[] RSA_ALGORITHM = {0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D,
      0x01, 0x01, 0x01, 0x05, 0x00};
  /** OID 1.2.840.10045.2.1 id-ecPublicKey; the curve's OID follows it. */
  private static final byte[] EC_ALGORITHM = {0x06, 0x07, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02, 0x01};
  /** Tried in this order after the certificate's own algorithm. */
  private static final List<String> ALGORITHMS = List.of("RSA", "EC", "EdDSA", "RSASSA-PSS", "XDH");

  private PrivateKeys() {
  }

  /** True when {@code label} names a private key block, encrypted or not. */
  static boolean isKey(String label) {
    return label.endsWith(PKCS8);
  }

  /**
   * Decodes {@code block}, trying {@code algorithm} (the certificate's) first. Throws IllegalArgumentException
   * with a message fit to follow the file's name; {@code file} appears in the commands it suggests.
   */
  static PrivateKey decode(Pem.Block block, String algorithm, Path file) {
    if (block.label().equals(ENCRYPTED_PKCS8) || block.encrypted()) {
      throw new IllegalArgumentException("is encrypted with a passphrase, which a server cannot type; write it"
          + " unencrypted (and readable by drover only): openssl pkey -in " + file + " -out " + file + ".plain");
    }
    byte[] pkcs8 = switch (block.label()) {
      case PKCS8 -> block.der();
      case PKCS1 -> sequence(VERSION_0, sequence(RSA_ALGORITHM), tlv(OCTET_STRING, block.der()));
      case SEC1 -> fromSec1(block.der(), file);
      default -> throw new IllegalArgumentException("holds a \"" + block.label() + "\" block, not a private key");
    };
    Set<String> tries = new LinkedHashSet<>();
    tries.add(algorithm);
    tries.addAll(ALGORITHMS);
    for (String name : tries) {
      try {
        return KeyFactory.getInstance(name).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      } catch (GeneralSecurityException | RuntimeException e) {
        // not this algorithm; the next one may read it
      }
    }
    throw new IllegalArgumentException("holds a " + block.label() + " block the JDK cannot read as an RSA, EC or"
        + " EdDSA key");
  }

  /** An EC key names its curve inside SEC1; PKCS#8 wants the curve beside the algorithm, so it is copied out. */
  private static byte[] fromSec1(byte[] sec1, Path file) {
    byte[] curve = null;
    try {
      int[] outer = header(sec1, 0);
      if (outer[0] != SEQUENCE) {
        throw new IllegalArgumentException("not a sequence");
      }
      int pos = outer[1];
      int end = outer[1] + outer[2];
      while (pos < end) {
        int[] field = header(sec1, pos);
        if (field[0] == CONTEXT_0) {
          curve = Arrays.copyOfRange(sec1, field[1], field[1] + field[2]);
        }
        pos = field[1] + field[2];
      }
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("holds an EC PRIVATE KEY block that is not valid DER");
    }
    if (curve == null) {
      throw new IllegalArgumentException("holds an EC key that does not name its curve; convert it to PKCS#8:"
          + " openssl pkcs8 -topk8 -nocrypt -in " + file + " -out " + file + ".pk8");
    }
    return sequence(VERSION_0, sequence(EC_ALGORITHM, curve), tlv(OCTET_STRING, sec1));
  }

  /** {tag, start of content, length of content} of the DER element at {@code pos}. */
  private static int[] header(byte[] der, int pos) {
    int tag = der[pos] & 0xff;
    int first = der[pos + 1] & 0xff;
    if (first < 0x80) {
      return new int[] {tag, pos + 2, first};
    }
    int count = first & 0x7f;
    if (count == 0 || count > 3) {
      throw new IllegalArgumentException("unsupported length");
    }
    int length = 0;
    for (int i = 0; i < count; i++) {
      length = (length << 8) | (der[pos + 2 + i] & 0xff);
    }
    return new int[] {tag, pos + 2 + count, length};
  }

  private static byte[] sequence(byte[]... parts) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      content.writeBytes(part);
    }
    return tlv(SEQUENCE, content.toByteArray());
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else {
      int bytes = n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x1000000 ? 3 : 4;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(n >>> (8 * i));
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }
}
