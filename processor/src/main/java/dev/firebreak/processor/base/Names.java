package dev.firebreak.processor.base;

import java.util.Collection;
import java.util.Optional;

/** Naming helpers: "did you mean" suggestions and identifier cases. */
public final class Names {
  private Names() {}

  /**
   * The candidate nearest to {@code name} by edit distance, if it is close enough to be a likely
   * typo (at most a third of the name's length, and at least one edit allowed).
   */
  public static Optional<String> nearest(String name, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(name.toLowerCase(), c.toLowerCase());
      if (d < bestDistance || (d == bestDistance && best != null && c.compareTo(best) < 0)) {
        best = c;
        bestDistance = d;
      }
    }
    int allowed = Math.max(1, Math.max(name.length(), 3) / 3);
    return best != null && bestDistance <= allowed ? Optional.of(best) : Optional.empty();
  }

  /** {@code ": did you mean 'x'?"} or {@code ""}. */
  public static String didYouMean(String name, Collection<String> candidates) {
    return nearest(name, candidates).map(s -> "; did you mean '" + s + "'?").orElse("");
  }

  /**
   * {@code "; did you mean 'x'?"} when a candidate is near {@code name}; else the candidates,
   * {@code "; <listing> a, b, c"}, so that the fix is on the screen; {@code ""} if there are none.
   */
  public static String didYouMeanOrList(
      String name, Collection<String> candidates, String listing) {
    String near = didYouMean(name, candidates);
    if (!near.isEmpty() || candidates.isEmpty()) {
      return near;
    }
    return "; " + listing + " " + String.join(", ", new java.util.TreeSet<>(candidates));
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
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

  /** {@code OcrAgent} → {@code ocrAgent}. */
  public static String decapitalize(String s) {
    if (s.isEmpty() || Character.isLowerCase(s.charAt(0))) {
      return s;
    }
    return Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  /** {@code ExtractedInvoice} → {@code EXTRACTED_INVOICE}; other characters become {@code _}. */
  public static String constantCase(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isUpperCase(c) && i > 0 && Character.isLowerCase(s.charAt(i - 1))) {
        out.append('_');
      }
      out.append(Character.isLetterOrDigit(c) ? Character.toUpperCase(c) : '_');
    }
    return out.toString().replaceAll("_+", "_").replaceAll("^_|_$", "");
  }
}
