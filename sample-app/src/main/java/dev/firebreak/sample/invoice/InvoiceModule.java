package dev.firebreak.sample.invoice;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.sample.invoice.services.Ledger;
import dev.firebreak.sample.invoice.services.OcrClient;
import dev.firebreak.sample.invoice.services.PurchaseOrders;
import dev.firebreak.sample.invoice.services.SimulatedLedger;
import dev.firebreak.sample.invoice.services.SimulatedOcr;
import dev.firebreak.sample.invoice.services.SimulatedPurchaseOrders;
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

  @Binds
  abstract OcrClient ocr(SimulatedOcr simulated);

  @Binds
  abstract PurchaseOrders purchaseOrders(SimulatedPurchaseOrders simulated);

  @Binds
  abstract Ledger ledger(SimulatedLedger simulated);

  @Provides
  @Singleton
  static FirebreakRuntime runtime(@Named("firebreak.db") Path database, Stats stats) {
    // The embedded default store, in the file the app was given.
    return FirebreakRuntime.builder().sqlite(database).listener(stats).build();
  }
}
