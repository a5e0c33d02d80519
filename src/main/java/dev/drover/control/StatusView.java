package dev.drover.control;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** {@code drover status} as a person reads it: a summary line and one row per worker. */
public final class StatusView {
  private static final String[] HEADER = {"ID", "PID", "PORT", "STATE", "UPTIME", "RESTARTS", "REQUESTS",
      "IN-FLIGHT", "RSS", "LAST EXIT"};

  private StatusView() {
  }

  public static String render(JsonNode s) {
    StringBuilder out = new StringBuilder();
    long ready = 0;
    for (JsonNode w : s.path("workers")) {
      ready += w.path("state").asText().equals("ready") ? 1 : 0;
    }
    out.append(String.format("drover %s  ·  env %s  ·  http://%s  ·  pid %d  ·  up %s  ·  generation %d  ·  ready %d/%d%n",
        s.path("state").asText(), s.path("env").asText(), s.path("listen").asText(), s.path("pid").asLong(),
        duration(s.path("uptime_seconds").asLong()), s.path("generation").asInt(), ready, s.path("desired_workers").asInt()));
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (JsonNode w : s.path("workers")) {
      rows.add(new String[] {
          w.path("id").asText(), dash(w.path("pid").asLong()), dash(w.path("port").asLong()), w.path("state").asText(),
          duration(w.path("uptime_seconds").asLong()), w.path("restarts").asText(), w.path("requests").asText(),
          w.path("in_flight").asText(), megabytes(w.path("rss_bytes").asLong()), w.path("last_exit").asText()});
    }
    int[] width = new int[HEADER.length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        line.append(i == r.length - 1 ? r[i] : String.format("%-" + width[i] + "s  ", r[i]));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  static String duration(long seconds) {
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return seconds / 60 + "m" + seconds % 60 + "s";
    }
    return seconds / 3600 + "h" + seconds % 3600 / 60 + "m";
  }

  private static String dash(long n) {
    return n <= 0 ? "-" : Long.toString(n);
  }

  private static String megabytes(long bytes) {
    return bytes < 0 ? "-" : String.format("%.1f MB", bytes / 1048576.0);
  }
}
