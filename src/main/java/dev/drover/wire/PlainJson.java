package dev.drover.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON read into, and written from, plain maps, lists, strings, numbers and booleans with Jackson's streaming
 * parser and generator alone. A worker reads two small documents at boot, and the supervisor writes one per
 * worker it spawns; data binding would load and introspect hundreds of classes for them: a tenth of the
 * worker's start-up CPU, and 100 ms before a supervisor could spawn its first worker.
 */
public final class PlainJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private PlainJson() {
  }

  /** The document's top-level object; fails when the text is not one JSON object. */
  public static Map<String, Object> object(String text) throws IOException {
    try (JsonParser parser = FACTORY.createParser(text)) {
      return object(parser);
    }
  }

  public static Map<String, Object> object(java.io.File file) throws IOException {
    try (JsonParser parser = FACTORY.createParser(file)) {
      return object(parser);
    }
  }

  private static Map<String, Object> object(JsonParser parser) throws IOException {
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      throw new NotAnObject();
    }
    Map<String, Object> root = objectBody(parser);
    if (parser.nextToken() != null) {
      throw new IOException("text after the JSON object");
    }
    return root;
  }

  /** Writes plain values (maps with string keys, lists, strings, numbers, booleans, null) as indented JSON. */
  public static void write(java.io.File file, Map<String, ?> object) throws IOException {
    try (JsonGenerator out = FACTORY.createGenerator(file, com.fasterxml.jackson.core.JsonEncoding.UTF8)) {
      out.useDefaultPrettyPrinter();
      write(out, object);
    }
  }

  private static void write(JsonGenerator out, Object value) throws IOException {
    if (value instanceof Map<?, ?> map) {
      out.writeStartObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.writeFieldName(String.valueOf(e.getKey()));
        write(out, e.getValue());
      }
      out.writeEndObject();
    } else if (value instanceof List<?> list) {
      out.writeStartArray();
      for (Object v : list) {
        write(out, v);
      }
      out.writeEndArray();
    } else if (value instanceof String || value instanceof Number || value instanceof Boolean || value == null) {
      out.writeObject(value);
    } else {
      throw new IllegalArgumentException("not a plain JSON value: " + value.getClass().getName());
    }
  }

  /** Valid JSON so far, but the document is an array or a scalar. */
  public static final class NotAnObject extends IOException {
    NotAnObject() {
      super("not a JSON object");
    }
  }

  private static Object value(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
      case START_OBJECT -> objectBody(parser);
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
          list.add(value(parser, t));
        }
        yield list;
      }
      case VALUE_STRING -> parser.getText();
      // Integer, Long or BigInteger by size, as data binding gives an untyped value.
      case VALUE_NUMBER_INT -> parser.getNumberValue();
      case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw new IOException("unexpected " + token);
    };
  }

  private static Map<String, Object> objectBody(JsonParser parser) throws IOException {
    Map<String, Object> map = new LinkedHashMap<>();
    for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
      if (t != JsonToken.FIELD_NAME) {
        throw new IOException("unexpected " + t);
      }
      String name = parser.getCurrentName();
      map.put(name, value(parser, parser.nextToken()));
    }
    return map;
  }
}
