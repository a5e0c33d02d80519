package dev.drover.worker;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.drover.wire.PlainJson;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The session cookie's value: {@code base64url(json) "." issued-at seconds "." base64url(hmac)}, the HMAC-SHA256
 * over the first two parts. As itsdangerous does, the MAC key is derived from the secret with a purpose
 * label, so the same {@code secret_key} used elsewhere by the app never signs a session directly and a
 * signature made for another purpose never passes here.
 */
final class SessionCodec {
  private static final String ALGORITHM = "HmacSHA256";
  private static final byte[] PURPOSE = "drover.session.v1".getBytes(StandardCharsets.UTF_8);
  private static final JsonFactory JSON = new JsonFactory();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder UNB64 = Base64.getUrlDecoder();

  /** Derived MAC keys, the current one first, then the fallbacks that still verify. */
  private final List<SecretKeySpec> keys;

  SessionCodec(List<byte[]> secrets) {
    List<SecretKeySpec> derived = new ArrayList<>();
    for (byte[] secret : secrets) {
      derived.add(new SecretKeySpec(mac(new SecretKeySpec(secret, ALGORITHM), PURPOSE), ALGORITHM));
    }
    this.keys = List.copyOf(derived);
  }

  /** What a verified cookie held. */
  record Decoded(Map<String, Object> values, long issuedAtSeconds, boolean byFallback) {
  }

  /** The signed cookie value for these values, issued at {@code nowSeconds}, with the current key. */
  String encode(Map<String, Object> values, long nowSeconds) {
    String body = B64.encodeToString(json(values).getBytes(StandardCharsets.UTF_8)) + "." + nowSeconds;
    return body + "." + B64.encodeToString(mac(keys.get(0), body.getBytes(StandardCharsets.US_ASCII)));
  }

  /**
   * The values of a cookie signed by any known key and issued no more than {@code maxAgeSeconds} ago; empty for
   * anything else (tampered, truncated, expired, from the future, not ours). Never throws on bad input.
   */
  Optional<Decoded> decode(String cookie, long nowSeconds, long maxAgeSeconds) {
    int lastDot = cookie.lastIndexOf('.');
    int firstDot = cookie.indexOf('.');
    if (firstDot <= 0 || lastDot == firstDot) {
      return Optional.empty();
    }
    String body = cookie.substring(0, lastDot);
    byte[] given;
    try {
      given = UNB64.decode(cookie.substring(lastDot + 1));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    byte[] signed = body.getBytes(StandardCharsets.US_ASCII);
    int match = -1;
    for (int i = 0; i < keys.size() && match < 0; i++) {
      // constant time, so the time taken tells nothing about how much of a forged signature was right
      if (MessageDigest.isEqual(mac(keys.get(i), signed), given)) {
        match = i;
      }
    }
    if (match < 0) {
      return Optional.empty();
    }
    long issued;
    try {
      issued = Long.parseLong(body.substring(firstDot + 1));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    // a little skew between workers' clocks is tolerated; a cookie from far in the future is not ours to trust
    if (nowSeconds - issued > maxAgeSeconds || issued - nowSeconds > 60) {
      return Optional.empty();
    }
    try {
      Map<String, Object> values = PlainJson.object(new String(UNB64.decode(body.substring(0, firstDot)),
          StandardCharsets.UTF_8));
      return Optional.of(new Decoded(plain(values), issued, match > 0));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty(); // signed by us yet unreadable: only a bug in an older version could make one
    }
  }

  /** Keeps the kinds a session holds: text, whole numbers that fit a long, booleans. */
  private static Map<String, Object> plain(Map<String, Object> values) {
    Map<String, Object> out = new LinkedHashMap<>();
    values.forEach((k, v) -> {
      if (v instanceof String || v instanceof Boolean) {
        out.put(k, v);
      } else if (v instanceof Integer || v instanceof Long || v instanceof BigInteger b && b.bitLength() < 64) {
        out.put(k, ((Number) v).longValue());
      }
    });
    return out;
  }

  static String json(Map<String, Object> values) {
    StringWriter text = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(text)) {
      g.writeStartObject();
      for (Map.Entry<String, Object> e : values.entrySet()) {
        g.writeFieldName(e.getKey());
        Object v = e.getValue();
        if (v instanceof Long n) {
          g.writeNumber(n);
        } else if (v instanceof Boolean b) {
          g.writeBoolean(b);
        } else {
          g.writeString(String.valueOf(v));
        }
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return text.toString();
  }

  private static byte[] mac(SecretKeySpec key, byte[] data) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no " + ALGORITHM, e);
    }
  }
}
