package dev.firebreak.sample.invoice;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.micrometer.FirebreakMetrics;
import dev.firebreak.sample.invoice.services.Ledger;
import dev.firebreak.sample.invoice.services.OcrClient;
import dev.firebreak.sample.invoice.services.PurchaseOrders;
import dev.firebreak.sample.invoice.services.SimulatedLedger;
import dev.firebreak.sample.invoice.services.SimulatedOcr;
import dev.firebreak.sample.invoice.services.SimulatedPurchaseOrders;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.nio.file.Path;

/** Wires the case study: the generated orchestrator, the runtime and the simulated services. */
@Module
abstract class InvoiceModule {

  /** The orchestrator the Firebreak processor generated is an ordinary injectable class. */
  @Binds
  @Singleton
  abstract InvoiceWorkflow workflow(FirebreakInvoiceWorkflow generated);

  // The simulated services, behind the fault injection of chaos scenarios (off by default).
  @Provides
  @Singleton
  static OcrClient ocr(SimulatedOcr simulated, AppOptions options) {
    return options.chaos().wrap(OcrClient.class, simulated);
  }

  @Provides
  @Singleton
  static PurchaseOrders purchaseOrders(SimulatedPurchaseOrders simulated, AppOptions options) {
    return options.chaos().wrap(PurchaseOrders.class, simulated);
  }

  @Provides
  @Singleton
  static Ledger ledger(SimulatedLedger simulated, AppOptions options) {
    return options.chaos().wrap(Ledger.class, simulated);
  }

  @Provides
  @Singleton
  static FirebreakRuntime runtime(
      @Named("firebreak.db") Path database,
      AppOptions options,
      Stats stats,
      FirebreakMetrics metrics) {
    // The embedded default store, in the file the app was given.
    FirebreakRuntime runtime =
        FirebreakRuntime.builder()
            .sqlite(database)
            .scheduler(options.scheduler())
            .maxInFlightRuns(options.maxInFlightRuns())
            .listener(stats)
            .listener(metrics)
            .build();
    metrics.monitor(runtime);
    return runtime;
  }

  @Provides
  @Singleton
  static PrometheusMeterRegistry registry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  @Provides
  @Singleton
  static FirebreakMetrics metrics(PrometheusMeterRegistry registry) {
    return FirebreakMetrics.on(registry);
  }
}
