package dev.firebreak.sample.invoice.services;

import dev.firebreak.sample.invoice.model.ExtractedInvoice;
import dev.firebreak.sample.invoice.model.InvoiceFile;

/** The external OCR API. */
public interface OcrClient {
  /**
   * Reads an invoice.
   *
   * @throws OcrUnavailableException when the service errs or is down
   */
  ExtractedInvoice read(InvoiceFile file) throws InterruptedException;
}
