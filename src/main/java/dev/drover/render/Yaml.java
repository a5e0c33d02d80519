package dev.drover.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * YAML as drover writes it: keys in the order the model put them, quotes only where needed, but a string
 * that looks like a number ({@code "8080"}, {@code "1"}) stays quoted, or Kubernetes and compose would read a
 * number where a string is required.
 */
final class Yaml {
  private static final ObjectMapper MAPPER = new ObjectMapper(YAMLFactory.builder()
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
      .build());

  private Yaml() {
  }

  static String write(Object tree) {
    try {
      return MAPPER.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An ordered map from alternating keys and values; null values are left out, so optional parts read plainly. */
  static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (keysAndValues[i + 1] != null) {
        out.put((String) keysAndValues[i], keysAndValues[i + 1]);
      }
    }
    return out;
  }
}
