package dev.firebreak.runtime.console;

import static dev.firebreak.runtime.Flow.sync;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.Flow;
import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.graph.StepDescriptor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs for the console to show, on a SQLite file: {@code com.acme.Invoices} (extract → post, post
 * retried 3 times) and {@code com.acme.Payroll} (one step). An invoice whose number is in {@link
 * #ledgerDown} fails at {@code post} with "ledger down"; one containing "bad" fails at extract, not
 * retried; taking it out of the set lets a replay complete.
 */
final class Fixture implements AutoCloseable {
  static final String INVOICES = "com.acme.Invoices";
  static final String PAYROLL = "com.acme.Payroll";

  final Set<String> ledgerDown = ConcurrentHashMap.newKeySet();
  final FirebreakRuntime runtime;
  final BoundEntryPoint invoices;
  final BoundEntryPoint payroll;

  Fixture(Path dir) {
    runtime = FirebreakRuntime.builder().sqlite(dir.resolve("console.db")).build();
    invoices =
        Flow.of("process", 1)
            .workflow(INVOICES)
            .inputCodecs(Codecs.STRING)
            .outputCodec(Codecs.STRING)
            .step(
                StepDescriptor.builder("extract")
                    .inputs(0)
                    .checkpointed(Codecs.STRING)
                    .declaredBy("com.acme.OcrAgent#extract"),
                sync(
                    (s, ctx) -> {
                      if (((String) s[0]).contains("bad")) {
                        throw new IllegalArgumentException("unreadable scan " + s[0]);
                      }
                      return "text of " + s[0];
                    }))
            .step(
                StepDescriptor.builder("post")
                    .inputs(1)
                    .retry(Flow.fixedRetry(3, Duration.ofMillis(1)))
                    .checkpointed(Codecs.STRING)
                    .declaredBy("com.acme.LedgerAgent#post"),
                sync(
                    (s, ctx) -> {
                      if (ledgerDown.contains(ctx.runId())) {
                        throw new IOException("ledger down");
                      }
                      return "posted " + s[1];
                    }))
            .bind(runtime);
    payroll =
        Flow.of("pay", 1)
            .workflow(PAYROLL)
            .inputCodecs(Codecs.STRING)
            .outputCodec(Codecs.STRING)
            .step(
                StepDescriptor.builder("pay").inputs(0).checkpointed(Codecs.STRING),
                sync((s, ctx) -> "paid " + s[0]))
            .bind(runtime);
  }

  /** Runs invoice {@code id} to its end. */
  void invoice(String id) {
    invoices.runForResult(id, id);
  }

  /** Runs invoice {@code id} with the ledger down for it: it fails at post. */
  void failingInvoice(String id) {
    ledgerDown.add(id);
    invoices.runForResult(id, id);
  }

  @Override
  public void close() {
    runtime.close();
  }
}
