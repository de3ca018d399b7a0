package dev.firebreak.sample.invoice.services;

/** The OCR service answered with an error or not at all. */
public class OcrUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public OcrUnavailableException(String message) {
    super(message);
  }
}
