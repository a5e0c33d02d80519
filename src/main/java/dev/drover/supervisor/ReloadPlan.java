package dev.drover.supervisor;

import dev.drover.config.Config;
import dev.drover.config.Entry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a reload will do with each changed key. Every reload replaces all workers by a new generation (so a
 * rebuilt app jar is picked up); the plan says which changed keys the new workers carry, which the balancer
 * takes live, and which only a full restart can apply.
 */
public record ReloadPlan(List<String> live, List<String> rolling, List<String> restart) {

  static ReloadPlan between(Config running, Config next) {
    List<String> live = new ArrayList<>();
    List<String> rolling = new ArrayList<>();
    List<String> restart = new ArrayList<>();
    for (Entry e : next.entries().values()) {
      Entry old = running.entries().get(e.key().path());
      if (old != null && Objects.equals(old.value(), e.value())) {
        continue;
      }
      String path = e.key().path();
      if (needsRestart(path, running, next)) {
        restart.add(path);
      } else if (path.startsWith("balancer.")) {
        live.add(path);
      } else {
        rolling.add(path);
      }
    }
    for (String path : running.entries().keySet()) {
      if (!next.entries().containsKey(path)) {
        rolling.add(path);
      }
    }
    return new ReloadPlan(List.copyOf(live), List.copyOf(rolling), List.copyOf(restart));
  }

  /**
   * The listening sockets and the kind of runtime cannot change under a running supervisor; neither can TLS be
   * turned on or off. A new certificate or key for TLS that stays on is taken live.
   */
  private static boolean needsRestart(String path, Config running, Config next) {
    boolean tlsBefore = running.settings().balancer().tls().enabled();
    boolean tlsAfter = next.settings().balancer().tls().enabled();
    return path.equals("balancer.listen") || path.equals("balancer.admin_listen") || path.equals("cluster.runtime")
        || path.equals("balancer.fast_path") || path.equals("balancer.tls.redirect_from") || path.startsWith("balancer.tls.") && tlsBefore != tlsAfter;
  }

  /** Lines for the user, e.g. {@code restart needed: balancer.listen (drover stop && drover start)}. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    if (live.isEmpty() && rolling.isEmpty() && restart.isEmpty()) {
      lines.add("settings unchanged: replacing every worker (picks up a rebuilt app)");
    }
    if (!rolling.isEmpty()) {
      lines.add("new workers apply: " + String.join(", ", rolling));
    }
    if (!live.isEmpty()) {
      lines.add("balancer applies live: " + String.join(", ", live));
    }
    if (!restart.isEmpty()) {
      lines.add("needs a full restart (drover stop && drover start), not applied: " + String.join(", ", restart));
    }
    return lines;
  }
}
