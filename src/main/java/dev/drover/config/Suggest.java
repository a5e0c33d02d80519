package dev.drover.config;

import java.util.Collection;
import java.util.Optional;

/** "did you mean" for a mistyped name: the closest known name within a small edit distance. */
final class Suggest {
  private Suggest() {
  }

  static Optional<String> closest(String typed, Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(typed, k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    // A third of the longer name, at least 2: catches "lisen" and "max_concurent", not unrelated words.
    int allowed = best == null ? 0 : Math.max(2, Math.max(typed.length(), best.length()) / 3);
    return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
  }

  static String hint(String typed, Collection<String> known) {
    return closest(typed, known).map(s -> " (did you mean '" + s + "'?)").orElse("");
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
