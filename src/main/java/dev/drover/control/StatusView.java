package dev.drover.control;

import dev.drover.supervisor.ClusterSnapshot;
import dev.drover.supervisor.WorkerSnapshot;
import java.util.ArrayList;
import java.util.List;

/** {@code drover status} as a person reads it: a summary line and one row per worker. */
public final class StatusView {
  private static final String[] HEADER = {"ID", "PID", "PORT", "STATE", "UPTIME", "RESTARTS", "REQUESTS",
      "IN-FLIGHT", "RSS", "VERSION", "LAST EXIT"};

  private StatusView() {
  }

  public static String render(ClusterSnapshot s) {
    StringBuilder out = new StringBuilder();
    out.append(String.format("drover %s  ·  env %s  ·  http://%s  ·  pid %d  ·  up %s  ·  generation %d  ·  ready %d/%d%n",
        s.state(), s.env(), s.listen(), s.pid(), duration(s.uptimeSeconds()), s.generation(), s.ready(),
        s.desiredWorkers()));
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (WorkerSnapshot w : s.workers()) {
      rows.add(new String[] {
          Integer.toString(w.id()), dash(w.pid()), dash(w.port()), w.state(), duration(w.uptimeSeconds()),
          Integer.toString(w.restarts()), Long.toString(w.requests()), Integer.toString(w.inFlight()),
          megabytes(w.rssBytes()), w.version().isEmpty() ? "-" : w.version(), w.lastExit()});
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
