package dev.drover.dashboard;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The supervisor's recent events for the dashboard: worker exits with their reason, restarts, crash-loop
 * halts, reloads with their plan, scaling. Fed the supervisor's log lines, which already say each of these
 * for a person; the routine ones ("spawned") are left out. Thread-safe; keeps the last {@value #KEEP}.
 */
public final class Events {
  static final int KEEP = 200;

  /** One event; {@code kind} is exit, failed, reload, scale, restart, stop or info. */
  public record Event(long seq, long timeMillis, String kind, String text) {
  }

  private final Clock clock;
  private final Deque<Event> recent = new ArrayDeque<>();
  private long seq;

  public Events(Clock clock) {
    this.clock = clock;
  }

  /** A line of the supervisor's log. */
  public void supervisorLine(String line) {
    String kind = kind(line);
    if (kind != null) {
      add(kind, line);
    }
  }

  synchronized void add(String kind, String text) {
    recent.addLast(new Event(++seq, clock.millis(), kind, text));
    while (recent.size() > KEEP) {
      recent.removeFirst();
    }
  }

  /** The newest {@code n} events, oldest first. */
  synchronized List<Event> last(int n) {
    List<Event> all = new ArrayList<>(recent);
    return List.copyOf(all.subList(Math.max(0, all.size() - n), all.size()));
  }

  static String kind(String line) {
    if (line.startsWith("spawned ") || line.contains(" ready in ")) {
      return null;
    }
    if (line.contains("exited unexpectedly") || line.contains("has not answered")) {
      return "exit";
    }
    if (line.startsWith("worker ") && line.contains(" failed (")) {
      return "failed";
    }
    if (line.startsWith("reload")) {
      return "reload";
    }
    if (line.startsWith("scaling")) {
      return "scale";
    }
    if (line.contains("restart requested") || line.contains("recycling")) {
      return "restart";
    }
    if (line.startsWith("stop")) {
      return "stop";
    }
    return "info";
  }
}
