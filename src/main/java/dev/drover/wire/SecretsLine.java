package dev.drover.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.drover.config.Secret;
import java.io.IOException;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The secrets a worker gets on its standard input, as one line: {@code {"secrets": {"secret_key": "…",
 * "app_settings.db_password": "…"}}}. The supervisor encodes it, the worker decodes it; nothing else may.
 * Decoding errors never quote the line: a parser's "unexpected token" would print part of a secret.
 */
public final class SecretsLine {
  private static final JsonFactory FACTORY = new JsonFactory();

  private SecretsLine() {
  }

  /** The line, without its newline. */
  public static String encode(Map<String, Secret> secrets) {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = FACTORY.createGenerator(text)) {
      json.writeStartObject();
      json.writeObjectFieldStart("secrets");
      for (Map.Entry<String, Secret> e : secrets.entrySet()) {
        json.writeStringField(e.getKey(), e.getValue().reveal());
      }
      json.writeEndObject();
      json.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode the secrets line", e);
    }
    return text.toString();
  }

  /** The secrets by path; fails with a message that names the problem and never the line. */
  public static Map<String, Secret> decode(String line) throws IOException {
    Map<String, Object> root;
    try {
      root = PlainJson.object(line);
    } catch (PlainJson.NotAnObject e) {
      throw new IOException("the secrets line on standard input is not a JSON object");
    } catch (IOException e) {
      throw new IOException("the secrets line on standard input is not JSON");
    }
    Object secrets = root.get("secrets");
    Map<String, Secret> byPath = new LinkedHashMap<>();
    if (secrets == null) {
      return byPath;
    }
    if (!(secrets instanceof Map<?, ?> names)) {
      throw new IOException("\"secrets\" on standard input must be a JSON object of names to strings");
    }
    for (Map.Entry<?, ?> e : names.entrySet()) {
      if (e.getValue() == null || e.getValue() instanceof Map || e.getValue() instanceof List) {
        throw new IOException("secret " + e.getKey() + " on standard input must be a string");
      }
      byPath.put(String.valueOf(e.getKey()), new Secret(String.valueOf(e.getValue())));
    }
    return byPath;
  }
}
