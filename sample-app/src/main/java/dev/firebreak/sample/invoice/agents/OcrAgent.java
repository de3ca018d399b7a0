package dev.firebreak.sample.invoice.agents;

import dev.firebreak.annotations.Checkpointed;
import dev.firebreak.annotations.CircuitBreaker;
import dev.firebreak.annotations.Critical;
import dev.firebreak.annotations.Remotable;
import dev.firebreak.annotations.Retry;
import dev.firebreak.annotations.Step;
import dev.firebreak.annotations.Timeout;
import dev.firebreak.sample.invoice.model.ExtractedInvoice;
import dev.firebreak.sample.invoice.model.InvoiceFile;
import dev.firebreak.sample.invoice.services.OcrClient;
import dev.firebreak.sample.invoice.services.OcrUnavailableException;
import jakarta.inject.Inject;
import java.util.concurrent.TimeoutException;

/**
 * Reads invoices through the external OCR API. Critical (nothing works without it) and behind the
 * {@code ocr-api} breaker, so an OCR outage fails fast instead of tying up every run. Timeouts are
 * short in the sample so that a batch runs in seconds; production values would be ~30 s.
 */
@Remotable
public final class OcrAgent {
  private final OcrClient client;

  @Inject
  public OcrAgent(OcrClient client) {
    this.client = client;
  }

  @Step
  @Critical
  @Retry(
      maxAttempts = 4,
      delay = "20ms",
      multiplier = 2.0,
      maxDelay = "200ms",
      jitter = 0.2,
      retryOn = {OcrUnavailableException.class, TimeoutException.class})
  @Timeout("150ms")
  @CircuitBreaker(name = "ocr-api", failureThreshold = 25, openFor = "1s", halfOpenTrials = 2)
  @Checkpointed
  public ExtractedInvoice extract(InvoiceFile file) throws InterruptedException {
    return client.read(file);
  }
}
