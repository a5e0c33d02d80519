package dev.drover.dashboard;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The supervisor's recent events for the dashboard: worker exits with their reason, restarts, crash-loop
 * halts, reloads with their plan, scaling. Fed the supervisor's log lines, which already say each of these
 * for a person; the routine ones ("spawned") are left out. Rate-limit storms come from {@link RateLimitStorms}.
 * Thread-safe; keeps the last {@value #KEEP}.
 */
public final class Events {
  static final int KEEP = 200;

  /** One event; {@code kind} is exit, failed, reload, scale, restart, stop, storm or info. */
  public record Event(long seq, long timeMillis, String kind, String text) {
  }

  private final Clock clock;
  private final Deque<Event> recent = new ArrayDeque<>();
  /** Texts with whole client addresses, by event, for a viewer with the token who asks for them. */
  private final Map<Long, String> unmasked = new HashMap<>();
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
    add(kind, text, null);
  }

  /** An event whose {@code text} masks client addresses, and {@code unmaskedText} does not. */
  synchronized void add(String kind, String text, String unmaskedText) {
    recent.addLast(new Event(++seq, clock.millis(), kind, text));
    if (unmaskedText != null) {
      unmasked.put(seq, unmaskedText);
    }
    while (recent.size() > KEEP) {
      unmasked.remove(recent.removeFirst().seq());
    }
  }

  /** The newest {@code n} events, oldest first. */
  synchronized List<Event> last(int n) {
    return last(n, false);
  }

  /** The same, with whole client addresses when {@code unmaskedAddresses}. */
  synchronized List<Event> last(int n, boolean unmaskedAddresses) {
    List<Event> all = new ArrayList<>();
    for (Event e : recent) {
      String full = unmaskedAddresses ? unmasked.get(e.seq()) : null;
      all.add(full == null ? e : new Event(e.seq(), e.timeMillis(), e.kind(), full));
    }
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
