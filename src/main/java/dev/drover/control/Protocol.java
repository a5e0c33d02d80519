package dev.drover.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The control socket speaks JSON lines: one request line {@code {"command": "status"}}, one answer line
 * {@code {"ok": true, "result": {...}}} or {@code {"ok": false, "error": "...", "problems": [...]}}.
 * Field names are snake_case, the same as {@code status --json}.
 */
final class Protocol {
  static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private Protocol() {
  }
}
