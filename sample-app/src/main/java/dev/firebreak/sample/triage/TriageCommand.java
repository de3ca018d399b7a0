package dev.firebreak.sample.triage;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code triage [--tickets N] [--seed S] [--base-url URL --model M [--backup-model B] [--api-key
 * K]]}: the triage case study, on the local fault-injecting model server unless {@code --base-url}
 * names a real OpenAI-compatible one (Ollama, vLLM).
 */
public final class TriageCommand {
  public static final String USAGE =
      String.join(
          "\n",
          "       firebreak-sample triage [--tickets N (1..2000, default 200)] [--seed S (default 42)]",
          "                               [--base-url URL --model M [--backup-model B] [--api-key K]]",
          "                                                    LLM ticket triage, plain LangChain4j beside Firebreak,",
          "                                                    on a local model server that injects faults (or on URL)");

  private TriageCommand() {}

  /**
   * Runs the command with {@code args} (after {@code triage}); returns the exit code.
   *
   * @throws IllegalArgumentException on bad arguments, with what is wrong
   */
  public static int execute(List<String> args, PrintStream out) {
    int tickets = 200;
    long seed = 42;
    String baseUrl = null;
    String model = null;
    String backupModel = null;
    String apiKey = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String v = i + 1 < args.size() ? args.get(i + 1) : null;
      if (v == null || v.startsWith("--")) {
        throw new IllegalArgumentException(
            a.startsWith("--") ? "missing value after " + a : "unexpected argument " + a);
      }
      i++;
      switch (a) {
        case "--tickets" -> {
          tickets = number(a, v);
          if (tickets < 1 || tickets > 2000) {
            throw new IllegalArgumentException("--tickets must be within 1..2000");
          }
        }
        case "--seed" -> seed = number(a, v);
        case "--base-url" -> baseUrl = v;
        case "--model" -> model = v;
        case "--backup-model" -> backupModel = v;
        case "--api-key" -> apiKey = v;
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (baseUrl == null && (model != null || backupModel != null || apiKey != null)) {
      throw new IllegalArgumentException("--model, --backup-model and --api-key need --base-url");
    }
    if (baseUrl != null && model == null) {
      throw new IllegalArgumentException("--base-url needs --model");
    }
    TriageStudy.Options options =
        baseUrl == null
            ? TriageStudy.Options.local(tickets, seed)
            : new TriageStudy.Options(
                tickets,
                seed,
                8,
                baseUrl,
                apiKey == null ? "none" : apiKey,
                model,
                backupModel == null ? model : backupModel);
    out.printf(
        "Firebreak triage case study: %d tickets, seed %d, models on %s%n",
        tickets,
        seed,
        baseUrl == null ? "a local server that injects faults (127.0.0.1)" : baseUrl);
    Path scratch = null;
    try {
      scratch = Files.createTempDirectory("firebreak-triage-");
      TriageStudy.Report report = TriageStudy.run(options, scratch);
      out.println();
      out.print(report.render());
      return 0;
    } catch (Exception e) {
      out.println("triage failed: " + e);
      return 1;
    } finally {
      delete(scratch);
    }
  }

  private static int number(String option, String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a number, not " + v);
    }
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary directory left behind is harmless.
    }
  }
}
