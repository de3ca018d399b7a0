package dev.firebreak.runtime.console;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A request's query parameters. Each is read once by name; {@link #only} then refuses any that was
 * not read, so that a misspelt filter is a 400 rather than a silently wider list.
 */
final class Query {
  private static final int MAX_PARAMETERS = 64;
  private final Map<String, List<String>> values;
  private final Set<String> read = new TreeSet<>();

  private Query(Map<String, List<String>> values) {
    this.values = values;
  }

  static Query parse(String raw) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    if (raw != null && !raw.isEmpty()) {
      String[] pairs = raw.split("&");
      if (pairs.length > MAX_PARAMETERS) {
        throw new ConsoleApi.Refused(400, "at most " + MAX_PARAMETERS + " query parameters");
      }
      for (String pair : pairs) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      }
    }
    return new Query(values);
  }

  static String decode(String raw) {
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ConsoleApi.Refused(400, "badly escaped characters in " + raw);
    }
  }

  /** Every value of {@code name}, empty ones left out. */
  List<String> all(String name) {
    read.add(name);
    List<String> given = values.getOrDefault(name, List.of());
    return given.stream().filter(v -> !v.isEmpty()).toList();
  }

  /** The value of {@code name}, or null; a parameter given twice is refused. */
  String one(String name) {
    List<String> given = all(name);
    if (given.size() > 1) {
      throw new ConsoleApi.Refused(
          400, "parameter " + name + " is given " + given.size() + " times");
    }
    return given.isEmpty() ? null : given.get(0);
  }

  /** Whether {@code name} is {@code true}; absent is false, anything but true or false refused. */
  boolean flag(String name) {
    String v = one(name);
    if (v == null || v.equals("false")) {
      return false;
    }
    if (v.equals("true")) {
      return true;
    }
    throw new ConsoleApi.Refused(400, "parameter " + name + " is true or false, not " + v);
  }

  /** {@code name} as a number within {@code min..max}, or {@code otherwise} if absent. */
  int number(String name, int min, int max, int otherwise) {
    String v = one(name);
    if (v == null) {
      return otherwise;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new ConsoleApi.Refused(
        400, "parameter " + name + " is a number from " + min + " to " + max + ", not " + v);
  }

  /** Refuses the parameters not read. */
  void only() {
    Set<String> unknown = new TreeSet<>(values.keySet());
    unknown.removeAll(read);
    if (!unknown.isEmpty()) {
      throw new ConsoleApi.Refused(
          400,
          "unknown parameter "
              + String.join(", ", unknown)
              + (read.isEmpty()
                  ? ": this endpoint takes none"
                  : "; known: " + String.join(", ", read)));
    }
  }
}
