package dev.firebreak.sample.invoice;

import dev.firebreak.annotations.RunId;
import dev.firebreak.annotations.Workflow;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.sample.invoice.agents.AccountingAgent;
import dev.firebreak.sample.invoice.agents.MatchingAgent;
import dev.firebreak.sample.invoice.agents.OcrAgent;
import dev.firebreak.sample.invoice.agents.ValidationAgent;
import dev.firebreak.sample.invoice.model.AccountingEntry;
import dev.firebreak.sample.invoice.model.InvoiceFile;
import java.util.concurrent.CompletionStage;

/**
 * The case study: OCR extraction → amount validation → purchase-order matching → accounting entry.
 * Firebreak generates {@code FirebreakInvoiceWorkflow} from this interface.
 */
@Workflow(
    agents = {OcrAgent.class, ValidationAgent.class, MatchingAgent.class, AccountingAgent.class},
    defaultTimeout = "1s",
    deadline = "30s")
public interface InvoiceWorkflow {

  /** Processes one invoice; the invoice id names the run, so a re-submission is processed once. */
  WorkflowResult<AccountingEntry> process(@RunId String invoiceId, InvoiceFile file);

  /** The same, without blocking the caller. */
  CompletionStage<WorkflowResult<AccountingEntry>> processAsync(
      @RunId String invoiceId, InvoiceFile file);
}
