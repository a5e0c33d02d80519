package dev.drover.render;

import dev.drover.config.RateLimitSettings;
import dev.drover.config.RouteRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns {@code balancer.rate_limit} into nginx {@code limit_req} zones and the locations that apply them.
 * nginx hands each request to exactly one location (an exact {@code = /path}, else the longest prefix), and
 * a location's own {@code limit_req} lines replace inherited ones. So every location lists the default limit
 * and every rule whose path can match a request it receives: a request is held to the default limit plus
 * each route rule that matches it. A method restriction lives in the rule's key: a {@code map} gives other
 * methods an empty key, which nginx does not count.
 */
final class NginxLocations {
  static final String DEFAULT_ZONE = "drover_default";
  private static final String CLIENT = "$binary_remote_addr";
  private static final String ROOT = "/";

  /** One {@code limit_req_zone}; {@code method} is null when the rule counts every method. */
  record Zone(String name, String key, String rate, String method, List<String> notes) {
  }

  record Limit(String zone, long burst) {
  }

  record Location(String match, List<Limit> limits) {
  }

  private record Place(String path, boolean exact) {
  }

  private final List<Zone> zones = new ArrayList<>();
  private final List<Location> locations = new ArrayList<>();

  NginxLocations(RateLimitSettings rateLimit) {
    List<Routes.Numbered> rules = Routes.enforced(rateLimit);
    Limit defaultLimit = null;
    if (rateLimit.enabled()) {
      Rates.NginxRate rate = Rates.nginx(rateLimit.defaultLimit());
      zones.add(new Zone(DEFAULT_ZONE, CLIENT, rate.text(), null, notes("the default limit per client, "
          + describe(rateLimit.defaultLimit().toString(), Rates.bucket(rateLimit.defaultLimit(), rateLimit.burst())), rate)));
      defaultLimit = new Limit(DEFAULT_ZONE, Rates.bucket(rateLimit.defaultLimit(), rateLimit.burst()));
    }
    for (Routes.Numbered n : rules) {
      zones.add(zone(n));
    }
    Map<Place, List<Limit>> places = new LinkedHashMap<>();
    places.put(new Place(ROOT, false), new ArrayList<>());
    for (Routes.Numbered n : rules) {
      places.putIfAbsent(new Place(n.rule().prefix(), !n.rule().isPrefix()), new ArrayList<>());
    }
    for (var place : places.entrySet()) {
      List<Limit> limits = place.getValue();
      if (defaultLimit != null) {
        limits.add(defaultLimit);
      }
      for (Routes.Numbered n : rules) {
        if (Routes.covers(n.rule(), place.getKey().path(), place.getKey().exact())) {
          limits.add(new Limit(zoneName(n), Rates.bucket(n.rule().limit(), n.rule().burst())));
        }
      }
      String match = (place.getKey().exact() ? "= " : "") + Quoting.nginx(place.getKey().path());
      locations.add(new Location(match, List.copyOf(limits)));
    }
  }

  List<Zone> zones() {
    return List.copyOf(zones);
  }

  List<Location> locations() {
    return List.copyOf(locations);
  }

  private static Zone zone(Routes.Numbered n) {
    RouteRule r = n.rule();
    Rates.NginxRate rate = Rates.nginx(r.limit());
    String what = "route rule " + n.number() + ": " + (r.method().isEmpty() ? "" : r.method() + " ") + r.path() + " at "
        + describe(r.limit().toString(), Rates.bucket(r.limit(), r.burst()));
    String key = r.method().isEmpty() ? CLIENT : "$drover_route_" + n.number() + "_key";
    return new Zone(zoneName(n), key, rate.text(), r.method().isEmpty() ? null : r.method(), notes(what, rate));
  }

  private static String zoneName(Routes.Numbered n) {
    return "drover_route_" + n.number();
  }

  private static String describe(String rate, long burst) {
    return rate + ", burst " + burst;
  }

  private static List<String> notes(String what, Rates.NginxRate rate) {
    return rate.note().isEmpty() ? List.of(what) : List.of(what, rate.note());
  }
}
