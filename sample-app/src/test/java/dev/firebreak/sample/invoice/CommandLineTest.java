package dev.firebreak.sample.invoice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.sample.invoice.services.FaultProfile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sample's commands: the comparison, the dead-letter queue, bad arguments. */
class CommandLineTest {
  @TempDir Path dir;

  private String run(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = Main.execute(List.of(args), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertEquals(0, code, bytes.toString(StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void firebreakBeatsPlainCallsOnTheSameFaults() {
    Comparison c = Main.compare(FaultProfile.caseStudy(42), 300, dir.resolve("cmp.db"), null);
    assertTrue(c.plain().succeeded() < c.firebreak().succeeded(), c.render());
    assertTrue(c.firebreak().succeeded() >= 0.9 * 300, c.render());
    assertTrue(
        c.plain().succeeded() <= 0.9 * 300, "the faults bite without the patterns: " + c.render());
    assertTrue(c.firebreak().retries() > 0, c.render());
    assertEquals(
        c.firebreak().invoices() - c.firebreak().succeeded(),
        c.firebreak().deadLettersByReason().values().stream().mapToInt(Integer::intValue).sum(),
        "every invoice Firebreak did not process is in the manual queue");
  }

  @Test
  void theDeadLetterQueueIsListedReplayedAndDiscarded() {
    String db = dir.resolve("dlq.db").toString();
    run("run", "--invoices", "120", "--db", db);
    String list = run("dlq", "list", "--db", db);
    assertTrue(list.contains("INVALID_INPUT"), list);
    assertTrue(list.lines().findFirst().orElseThrow().contains("; failed runs: FAILED "), list);
    assertTrue(
        list.contains("step validate (ValidationAgent#validate)"),
        "a letter names its step's declaring method: " + list);
    String first = list.lines().skip(1).findFirst().orElseThrow().split("\\s+")[0];
    // Replaying bad input fails again (its amount is still impossible) and leaves a dead letter.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    assertEquals(
        1,
        Main.execute(
            List.of("dlq", "replay", first, "--db", db),
            new PrintStream(bytes, true, StandardCharsets.UTF_8)));
    assertTrue(
        bytes.toString(StandardCharsets.UTF_8).contains("FAILED at step validate: "),
        "a replay that fails says where and why: " + bytes.toString(StandardCharsets.UTF_8));
    int before =
        Integer.parseInt(
            run("dlq", "list", "--db", db).lines().findFirst().orElseThrow().split(" ")[0]);
    assertTrue(run("dlq", "discard", first, "--db", db).contains("discarded " + first));
    int after =
        Integer.parseInt(
            run("dlq", "list", "--db", db).lines().findFirst().orElseThrow().split(" ")[0]);
    assertEquals(before - 1, after);
    assertTrue(
        run("dlq", "list", "--db", db)
            .lines()
            .anyMatch(l -> l.startsWith(first + " ") && l.contains("no dead letter (discarded")),
        "a failed run whose letter was discarded is still listed");
    assertTrue(run("resume", "--db", db).contains("resumed 0 unfinished runs"));
  }

  @Test
  void helpPrintsTheUsageAndABatchSaysWhichStoreItReplaces() {
    for (String help : new String[] {"--help", "-h", "help"}) {
      assertTrue(run(help).startsWith("usage: firebreak-sample"), help);
    }
    assertTrue(run("runs", "--help").startsWith("usage: "), "after a command too");
    String db = dir.resolve("again.db").toString();
    String first = run("run", "--invoices", "5", "--db", db);
    assertFalse(first.contains("replaced"), first);
    String second = run("run", "--invoices", "5", "--db", db);
    assertTrue(
        second.contains("starting from an empty store: replaced " + Path.of(db).toAbsolutePath()),
        second);
  }

  @Test
  void aChaosScenarioLeavesNoStoreBehind() throws Exception {
    String db = dir.resolve("chaos-home.db").toString();
    assertTrue(run("chaos", "corrupt", "--db", db).contains(", 0 lost"));
    try (java.util.stream.Stream<Path> left = java.nio.file.Files.list(dir)) {
      assertEquals(List.of(), left.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void runsAreCountedAndListedAPageAtATime() {
    String db = dir.resolve("runs.db").toString();
    run("run", "--invoices", "120", "--db", db);
    String counts = run("runs", "--db", db).lines().findFirst().orElseThrow();
    long total = 0;
    for (String part : counts.substring("runs: ".length()).split(", ")) {
      total += Long.parseLong(part.split(" ")[1]);
    }
    assertEquals(120, total, counts);

    String failed = run("runs", "failed", "--limit", "2", "--db", db);
    List<String> lines = failed.lines().toList();
    assertTrue(lines.size() >= 2, failed);
    assertTrue(lines.get(1).contains("FAILED"), failed);
    String more = lines.get(lines.size() - 1);
    assertTrue(more.startsWith("more: runs FAILED --limit 2 --db " + db + " --after "), failed);
    String cursor = more.substring(more.lastIndexOf(' ') + 1);
    String next = run("runs", "FAILED", "--limit", "2", "--after", cursor, "--db", db);
    String firstOfNext = next.lines().skip(1).findFirst().orElseThrow().split("\\s+")[0];
    assertTrue(
        lines.stream().noneMatch(l -> l.startsWith(firstOfNext + " ")),
        "the next page starts after the first: " + failed + next);

    String shown = run("runs", "show", firstOfNext, "--db", db);
    assertTrue(shown.startsWith(firstOfNext + "  FAILED  created "), shown);
    assertTrue(shown.contains("  inputs "), shown);
    assertTrue(shown.contains("  dead letter: "), shown);
    assertTrue(
        shown.lines().anyMatch(l -> l.startsWith("  step ")),
        "the steps it held checkpoints of or attempted: " + shown);
    assertTrue(
        shown
            .lines()
            .anyMatch(l -> l.matches("    \\S+Z \\w+ (SUCCEEDED|FAILED|TIMED_OUT) #\\d.*")),
        "each attempt in its timeline: " + shown);
  }

  @Test
  void badArgumentsAreRefusedWithTheUsage() {
    for (List<String> bad :
        List.of(
            List.of("--invoices"),
            List.of("--invoices", "0"),
            List.of("--invoices", "many"),
            List.of("--verbose"),
            List.of("explode"),
            List.of("runs", "lost"),
            List.of("runs", "show"),
            List.of("runs", "--limit", "0"),
            List.of("runs", "--after", "not-a-cursor"),
            List.of("dlq"),
            List.of("dlq", "burn"),
            List.of("dlq", "replay"),
            List.of("run", "extra"))) {
      assertThrows(
          Main.UsageException.class,
          () -> Main.execute(bad, new PrintStream(new ByteArrayOutputStream())),
          bad.toString());
    }
  }

  @Test
  void theConsoleServesTheRunsABatchWrote() throws Exception {
    String db = dir.resolve("console.db").toString();
    run("run", "--invoices", "60", "--db", db);
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Thread serving =
        new Thread(
            () ->
                Main.execute(
                    List.of(
                        "console", "--port", String.valueOf(port), "--seconds", "20", "--db", db),
                    new PrintStream(printed, true, StandardCharsets.UTF_8)));
    serving.start();
    try {
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      java.net.URI overview = java.net.URI.create("http://127.0.0.1:" + port + "/api/overview");
      String body = null;
      for (int i = 0; i < 200 && body == null; i++) {
        try {
          body =
              http.send(
                      java.net.http.HttpRequest.newBuilder(overview).build(),
                      java.net.http.HttpResponse.BodyHandlers.ofString())
                  .body();
        } catch (java.io.IOException notYet) {
          Thread.sleep(50); // the console is starting: poll its port
        }
      }
      assertTrue(body != null && body.contains("\"COMPLETED\":"), String.valueOf(body));
      assertTrue(
          body.contains("\"reason\":\"INVALID_INPUT\""), "the batch's dead letters: " + body);
      String text = printed.toString(StandardCharsets.UTF_8);
      assertTrue(text.contains("Firebreak console on http://127.0.0.1:" + port + "/"), text);
      assertTrue(text.contains("token for actions (shown once): "), text);
    } finally {
      serving.interrupt();
      serving.join(10_000);
    }
    assertFalse(serving.isAlive());
  }
}
