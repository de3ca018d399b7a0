package dev.firebreak.sample.invoice;

import dagger.BindsInstance;
import dagger.Component;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.sample.invoice.agents.AccountingAgent;
import dev.firebreak.sample.invoice.agents.MatchingAgent;
import dev.firebreak.sample.invoice.agents.OcrAgent;
import dev.firebreak.sample.invoice.agents.ValidationAgent;
import dev.firebreak.sample.invoice.services.FaultProfile;
import dev.firebreak.sample.invoice.services.Ledger;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.nio.file.Path;

/** The Dagger component of the case study. */
@Singleton
@Component(modules = InvoiceModule.class)
public interface InvoiceApp {
  InvoiceWorkflow workflow();

  FirebreakRuntime runtime();

  Ledger ledger();

  Stats stats();

  PrometheusMeterRegistry metricsRegistry();

  OcrAgent ocrAgent();

  ValidationAgent validationAgent();

  MatchingAgent matchingAgent();

  AccountingAgent accountingAgent();

  /** Builds the app for a fault profile. */
  @Component.Factory
  interface Factory {
    InvoiceApp create(
        @BindsInstance FaultProfile faults,
        @BindsInstance @Named("firebreak.db") Path database,
        @BindsInstance AppOptions options);
  }

  /** Builds the app for a fault profile, keeping runs in the SQLite file {@code database}. */
  static InvoiceApp create(FaultProfile faults, Path database) {
    return create(faults, database, AppOptions.defaults());
  }

  /**
   * As {@link #create(FaultProfile, Path)}, with a clock, injected faults and an admission limit.
   */
  static InvoiceApp create(FaultProfile faults, Path database, AppOptions options) {
    return DaggerInvoiceApp.factory().create(faults, database, options);
  }
}
