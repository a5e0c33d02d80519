package dev.drover.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a detached supervisor tells {@code drover start -d} how its start goes: one JSON line per event in
 * {@code .drover/run/start.jsonl}, appended by the supervisor and read by the command. Events: {@code
 * warnings} (lines the user must see, such as a readable .secrets.toml), {@code progress} (ready of total
 * workers), {@code listening} (the balancer accepts clients: the start is done) and {@code failed} (why, one
 * line per problem).
 */
public record StartProgress(String event, int ready, int total, String listen, long pid, List<String> problems) {
  public static final String WARNINGS = "warnings";
  public static final String PROGRESS = "progress";
  public static final String LISTENING = "listening";
  public static final String FAILED = "failed";
  private static final JsonFactory FACTORY = new JsonFactory();

  public StartProgress {
    problems = problems == null ? List.of() : List.copyOf(problems);
    listen = listen == null ? "" : listen;
  }

  public static StartProgress warnings(List<String> lines) {
    return new StartProgress(WARNINGS, 0, 0, "", 0, lines);
  }

  public static StartProgress progress(int ready, int total) {
    return new StartProgress(PROGRESS, ready, total, "", 0, List.of());
  }

  public static StartProgress listening(int total, String listen, long pid) {
    return new StartProgress(LISTENING, total, total, listen, pid, List.of());
  }

  public static StartProgress failed(List<String> problems) {
    return new StartProgress(FAILED, 0, 0, "", 0, problems);
  }

  /** The file of a project's start events. */
  public static Path file(Path runDir) {
    return runDir.resolve("start.jsonl");
  }

  /** One line, without its newline. */
  public String encode() {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = FACTORY.createGenerator(text)) {
      json.writeStartObject();
      json.writeStringField("event", event);
      json.writeNumberField("ready", ready);
      json.writeNumberField("total", total);
      json.writeStringField("listen", listen);
      json.writeNumberField("pid", pid);
      json.writeArrayFieldStart("problems");
      for (String p : problems) {
        json.writeString(p);
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a start event", e);
    }
    return text.toString();
  }

  public static StartProgress decode(String line) throws IOException {
    Map<String, Object> json = PlainJson.object(line);
    List<String> problems = new ArrayList<>();
    if (json.get("problems") instanceof List<?> list) {
      list.forEach(p -> problems.add(String.valueOf(p)));
    }
    return new StartProgress(String.valueOf(json.get("event")), number(json, "ready").intValue(),
        number(json, "total").intValue(), String.valueOf(json.getOrDefault("listen", "")),
        number(json, "pid").longValue(), problems);
  }

  private static Number number(Map<String, Object> json, String name) throws IOException {
    if (json.get(name) instanceof Number n) {
      return n;
    }
    throw new IOException("start event without a number '" + name + "'");
  }
}
