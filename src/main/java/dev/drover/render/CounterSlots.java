package dev.drover.render;

import dev.drover.config.ConfigException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives each route rule a HAProxy stick counter. HAProxy 2.6 tracks three counters per request and the
 * default limit holds sc0, so route rules share sc1 and sc2: rules that can never match the same request
 * take turns on one counter, and only three rules matching one request at once cannot be expressed.
 */
final class CounterSlots {
  static final int DEFAULT_SLOT = 0;
  private static final int FIRST = 1;
  private static final int LAST = 2;

  private CounterSlots() {
  }

  /** The counter of each rule, by rule number; a {@link ConfigException} when three rules overlap. */
  static Map<Integer, Integer> assign(List<Routes.Numbered> rules) {
    // Broad rules first: a rule's overlapping rules are then mostly its enclosing prefixes, which already hold
    // distinct counters, so the first free counter is as good as any.
    List<Routes.Numbered> order = new ArrayList<>(rules);
    order.sort(Comparator.comparingInt((Routes.Numbered n) -> n.rule().prefix().length())
        .thenComparing(n -> !n.rule().isPrefix()));
    Map<Integer, Integer> slots = new LinkedHashMap<>();
    List<Routes.Numbered> placed = new ArrayList<>();
    for (Routes.Numbered n : order) {
      List<Routes.Numbered> rivals = placed.stream().filter(p -> Routes.overlap(p.rule(), n.rule())).toList();
      int slot = FIRST;
      while (slot <= LAST && taken(slots, rivals, slot)) {
        slot++;
      }
      if (slot > LAST) {
        throw tooMany(n, rivals, slots);
      }
      slots.put(n.number(), slot);
      placed.add(n);
    }
    return slots;
  }

  private static boolean taken(Map<Integer, Integer> slots, List<Routes.Numbered> rivals, int slot) {
    return rivals.stream().anyMatch(r -> slots.get(r.number()) == slot);
  }

  private static ConfigException tooMany(Routes.Numbered rule, List<Routes.Numbered> rivals, Map<Integer, Integer> slots) {
    List<Routes.Numbered> clash = new ArrayList<>();
    for (int slot = FIRST; slot <= LAST; slot++) {
      int s = slot;
      rivals.stream().filter(r -> slots.get(r.number()) == s).findFirst().ifPresent(clash::add);
    }
    clash.add(rule);
    clash.sort(Comparator.comparingInt(Routes.Numbered::number));
    List<String> names = clash.stream().map(n -> n.number() + " (\"" + n.rule().path() + "\")").toList();
    String listed = String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    return new ConfigException("balancer.rate_limit.routes: rules " + listed + " can match the same request, but HAProxy"
        + " applies at most " + (LAST - FIRST + 1) + " route limits to one request: merge or narrow them to generate haproxy");
  }
}
