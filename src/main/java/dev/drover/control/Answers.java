package dev.drover.control;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.drover.supervisor.ClusterSnapshot;
import dev.drover.supervisor.ReloadPlan;
import dev.drover.supervisor.Supervisor;
import dev.drover.supervisor.WorkerSnapshot;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The one codec of the control socket's answers, used by the supervisor to write them and by the command
 * line to read them, on Jackson's streaming API alone: a {@code drover status} runs in a JVM of its own, and
 * data binding would cost it more than everything else it does. The field names are those of {@code status
 * --json}, snake_case, in the records' order.
 */
final class Answers {
  private static final JsonFactory FACTORY = new JsonFactory();

  private Answers() {
  }

  /** What the supervisor answered: a result to decode, or an error with the problems of invalid settings. */
  record Answer(boolean ok, String resultJson, String error, List<String> problems) {
  }

  // ---- writing ---------------------------------------------------------------------------------------

  static String ok(String resultJson) {
    return "{\"ok\":true,\"result\":" + resultJson + "}";
  }

  static String error(String message, List<String> problems) {
    return write(false, json -> {
      json.writeBooleanField("ok", false);
      json.writeStringField("error", message == null ? "failed" : message);
      if (problems != null) {
        json.writeStringField("kind", "config");
        strings(json, "problems", problems);
      }
    });
  }

  static String request(String command, Object... fields) {
    return write(false, json -> {
      json.writeStringField("command", command);
      for (int i = 0; i < fields.length; i += 2) {
        String name = (String) fields[i];
        Object value = fields[i + 1];
        if (value instanceof Boolean b) {
          json.writeBooleanField(name, b);
        } else if (value instanceof Integer n) {
          json.writeNumberField(name, n);
        } else if (value != null) {
          json.writeStringField(name, value.toString());
        }
      }
    });
  }

  static String snapshot(ClusterSnapshot s, boolean pretty) {
    return write(pretty, json -> snapshotFields(json, s));
  }

  static String reloadResult(Supervisor.ReloadResult r) {
    return write(false, json -> {
      json.writeObjectFieldStart("plan");
      strings(json, "live", r.plan().live());
      strings(json, "rolling", r.plan().rolling());
      strings(json, "restart", r.plan().restart());
      json.writeEndObject();
      json.writeBooleanField("dry_run", r.dryRun());
      json.writeNumberField("generation", r.generation());
      workers(json, r.workers());
    });
  }

  private interface Fields {
    void write(JsonGenerator json) throws IOException;
  }

  private static String write(boolean pretty, Fields fields) {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = FACTORY.createGenerator(text)) {
      if (pretty) {
        json.useDefaultPrettyPrinter();
      }
      json.writeStartObject();
      fields.write(json);
      json.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a control answer", e);
    }
    return text.toString();
  }

  private static void snapshotFields(JsonGenerator json, ClusterSnapshot s) throws IOException {
    json.writeStringField("state", s.state());
    json.writeStringField("env", s.env());
    json.writeStringField("listen", s.listen());
    json.writeNumberField("pid", s.pid());
    json.writeNumberField("uptime_seconds", s.uptimeSeconds());
    json.writeNumberField("generation", s.generation());
    json.writeNumberField("desired_workers", s.desiredWorkers());
    json.writeNumberField("graceful_timeout_millis", s.gracefulTimeoutMillis());
    workers(json, s.workers());
  }

  private static void workers(JsonGenerator json, List<WorkerSnapshot> workers) throws IOException {
    json.writeArrayFieldStart("workers");
    for (WorkerSnapshot w : workers) {
      json.writeStartObject();
      json.writeNumberField("id", w.id());
      json.writeNumberField("generation", w.generation());
      json.writeNumberField("pid", w.pid());
      json.writeNumberField("port", w.port());
      json.writeStringField("state", w.state());
      json.writeNumberField("uptime_seconds", w.uptimeSeconds());
      json.writeNumberField("restarts", w.restarts());
      json.writeNumberField("requests", w.requests());
      json.writeNumberField("in_flight", w.inFlight());
      json.writeNumberField("rss_bytes", w.rssBytes());
      json.writeStringField("last_exit", w.lastExit());
      json.writeStringField("version", w.version());
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  private static void strings(JsonGenerator json, String name, List<String> values) throws IOException {
    json.writeArrayFieldStart(name);
    for (String v : values) {
      json.writeString(v);
    }
    json.writeEndArray();
  }

  // ---- reading ---------------------------------------------------------------------------------------

  /** The answer line's envelope; its result is kept as text for {@link #readSnapshot} or {@link #readReload}. */
  static Answer readAnswer(String line) throws IOException {
    boolean ok = false;
    String result = null;
    String error = null;
    List<String> problems = null;
    try (JsonParser p = object(line)) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.getCurrentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "ok" -> ok = value == JsonToken.VALUE_TRUE;
          case "error" -> error = p.getValueAsString();
          case "problems" -> problems = stringList(p);
          case "result" -> {
            int start = (int) p.getTokenLocation().getCharOffset();
            p.skipChildren();
            int end = (int) p.getCurrentLocation().getCharOffset();
            result = line.substring(start, end);
          }
          default -> p.skipChildren();
        }
      }
    }
    return new Answer(ok, result, error, problems);
  }

  static ClusterSnapshot readSnapshot(String json) throws IOException {
    try (JsonParser p = object(json)) {
      return snapshot(p);
    }
  }

  static Supervisor.ReloadResult readReload(String json) throws IOException {
    ReloadPlan plan = new ReloadPlan(List.of(), List.of(), List.of());
    boolean dryRun = false;
    int generation = 0;
    List<WorkerSnapshot> workers = List.of();
    try (JsonParser p = object(json)) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.getCurrentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "plan" -> plan = plan(p);
          case "dry_run" -> dryRun = value == JsonToken.VALUE_TRUE;
          case "generation" -> generation = p.getIntValue();
          case "workers" -> workers = workers(p);
          default -> p.skipChildren();
        }
      }
    }
    return new Supervisor.ReloadResult(plan, dryRun, generation, workers);
  }

  private static JsonParser object(String json) throws IOException {
    JsonParser p = FACTORY.createParser(json);
    if (p.nextToken() != JsonToken.START_OBJECT) {
      p.close();
      throw new IOException("not a JSON object");
    }
    return p;
  }

  private static ClusterSnapshot snapshot(JsonParser p) throws IOException {
    String state = "";
    String env = "";
    String listen = "";
    long pid = 0;
    long uptime = 0;
    int generation = 0;
    int desired = 0;
    long grace = 0;
    List<WorkerSnapshot> workers = List.of();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.getCurrentName();
      p.nextToken();
      switch (name) {
        case "state" -> state = p.getValueAsString();
        case "env" -> env = p.getValueAsString();
        case "listen" -> listen = p.getValueAsString();
        case "pid" -> pid = p.getLongValue();
        case "uptime_seconds" -> uptime = p.getLongValue();
        case "generation" -> generation = p.getIntValue();
        case "desired_workers" -> desired = p.getIntValue();
        case "graceful_timeout_millis" -> grace = p.getLongValue();
        case "workers" -> workers = workers(p);
        default -> p.skipChildren();
      }
    }
    return new ClusterSnapshot(state, env, listen, pid, uptime, generation, desired, grace, workers);
  }

  private static List<WorkerSnapshot> workers(JsonParser p) throws IOException {
    List<WorkerSnapshot> out = new ArrayList<>();
    while (p.nextToken() == JsonToken.START_OBJECT) {
      int id = 0;
      int generation = 0;
      long pid = 0;
      int port = 0;
      String state = "";
      long uptime = 0;
      int restarts = 0;
      long requests = 0;
      int inFlight = 0;
      long rss = -1;
      String lastExit = "";
      String version = "";
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.getCurrentName();
        p.nextToken();
        switch (name) {
          case "id" -> id = p.getIntValue();
          case "generation" -> generation = p.getIntValue();
          case "pid" -> pid = p.getLongValue();
          case "port" -> port = p.getIntValue();
          case "state" -> state = p.getValueAsString();
          case "uptime_seconds" -> uptime = p.getLongValue();
          case "restarts" -> restarts = p.getIntValue();
          case "requests" -> requests = p.getLongValue();
          case "in_flight" -> inFlight = p.getIntValue();
          case "rss_bytes" -> rss = p.getLongValue();
          case "last_exit" -> lastExit = p.getValueAsString();
          case "version" -> version = p.getValueAsString();
          default -> p.skipChildren();
        }
      }
      out.add(new WorkerSnapshot(id, generation, pid, port, state, uptime, restarts, requests, inFlight, rss, lastExit,
          version));
    }
    return out;
  }

  private static ReloadPlan plan(JsonParser p) throws IOException {
    List<String> live = List.of();
    List<String> rolling = List.of();
    List<String> restart = List.of();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.getCurrentName();
      p.nextToken();
      switch (name) {
        case "live" -> live = stringList(p);
        case "rolling" -> rolling = stringList(p);
        case "restart" -> restart = stringList(p);
        default -> p.skipChildren();
      }
    }
    return new ReloadPlan(live, rolling, restart);
  }

  private static List<String> stringList(JsonParser p) throws IOException {
    List<String> out = new ArrayList<>();
    if (p.currentToken() != JsonToken.START_ARRAY) {
      p.skipChildren();
      return out;
    }
    while (p.nextToken() != JsonToken.END_ARRAY) {
      out.add(p.getValueAsString());
    }
    return out;
  }
}
