package dev.firebreak.sample.invoice;

import dagger.BindsInstance;
import dagger.Component;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.sample.invoice.services.FaultProfile;
import dev.firebreak.sample.invoice.services.Ledger;
import jakarta.inject.Singleton;

/** The Dagger component of the case study. */
@Singleton
@Component(modules = InvoiceModule.class)
public interface InvoiceApp {
  InvoiceWorkflow workflow();

  FirebreakRuntime runtime();

  Ledger ledger();

  /** Builds the app for a fault profile. */
  @Component.Factory
  interface Factory {
    InvoiceApp create(@BindsInstance FaultProfile faults);
  }

  static InvoiceApp create(FaultProfile faults) {
    return DaggerInvoiceApp.factory().create(faults);
  }
}
