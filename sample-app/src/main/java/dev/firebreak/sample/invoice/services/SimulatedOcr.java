package dev.firebreak.sample.invoice.services;

import dev.firebreak.sample.invoice.model.ExtractedInvoice;
import dev.firebreak.sample.invoice.model.InvoiceFile;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OCR service with the fault profile's behaviour: a few milliseconds per page, far slower on
 * poor scans (the caller's timeout cuts it off), and transient errors.
 */
@Singleton
public final class SimulatedOcr implements OcrClient {
  static final long FAST_MILLIS = 3;
  static final long SLOW_MILLIS = 2_000;

  private final FaultProfile faults;
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

  @Inject
  public SimulatedOcr(FaultProfile faults) {
    this.faults = faults;
  }

  @Override
  public ExtractedInvoice read(InvoiceFile file) throws InterruptedException {
    int call = calls.computeIfAbsent(file.id(), k -> new AtomicInteger()).incrementAndGet();
    Random random = faults.random(file.id(), "ocr", call);
    boolean poorScan = faults.random(file.id(), "scan", 0).nextDouble() < faults.poorScanRate();
    if (poorScan && (call == 1 || random.nextDouble() >= faults.poorScanRecovery())) {
      Thread.sleep(SLOW_MILLIS);
    } else {
      Thread.sleep(FAST_MILLIS);
    }
    if (random.nextDouble() < faults.ocrErrorRate()) {
      throw new OcrUnavailableException("OCR service returned 503 for " + file.id());
    }
    BigDecimal total = file.statedTotal();
    // Two lines that add up to the stated total, as a real invoice would have.
    BigDecimal first = total.multiply(new BigDecimal("0.6")).setScale(2, RoundingMode.HALF_UP);
    List<ExtractedInvoice.Line> lines =
        List.of(
            new ExtractedInvoice.Line("freight", 1, first),
            new ExtractedInvoice.Line("handling", 1, total.subtract(first)));
    return new ExtractedInvoice(file.id(), file.supplier(), lines, total, file.poReference());
  }
}
