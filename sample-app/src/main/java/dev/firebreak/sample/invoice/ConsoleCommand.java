package dev.firebreak.sample.invoice;

import dev.firebreak.runtime.console.FirebreakConsole;
import dev.firebreak.sample.invoice.services.FaultProfile;
import java.io.PrintStream;
import java.nio.file.Path;

/** {@code console [--port P] [--seconds S] [--db FILE]}: the operator console for FILE's runs. */
final class ConsoleCommand {
  static final int DEFAULT_PORT = FirebreakConsole.DEFAULT_PORT;

  private ConsoleCommand() {}

  /**
   * The operator console for the runs in {@code database}, with the case study's workflow bound so
   * that its dead letters can be replayed; serves {@code seconds} (forever if negative).
   */
  static int execute(Path database, int port, int seconds, PrintStream out) {
    InvoiceApp app = InvoiceApp.create(FaultProfile.none(0), database);
    try {
      app.workflow(); // binds the workflow, so that its runs can be replayed
      try (FirebreakConsole console =
          FirebreakConsole.builder(app.runtime()).port(port).announceTo(out).start()) {
        out.printf(
            "serving the runs of %s; %s%n",
            database.toAbsolutePath(),
            seconds < 0 ? "stop with Ctrl-C" : "for " + seconds + " s (--seconds)");
        Thread.sleep(seconds < 0 ? Long.MAX_VALUE : seconds * 1000L);
      }
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    } catch (java.io.UncheckedIOException e) {
      out.println(e.getMessage() + ": " + e.getCause().getMessage());
      return 1;
    } finally {
      app.runtime().close();
    }
  }
}
