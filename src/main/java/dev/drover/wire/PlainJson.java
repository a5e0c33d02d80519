package dev.drover.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON read into plain maps, lists, strings, numbers and booleans with Jackson's streaming parser alone.
 * A worker reads two small documents at boot; data binding would load and introspect hundreds of classes
 * for them, a tenth of the worker's start-up CPU.
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
