package dev.firebreak.sample.invoice.model;

import java.math.BigDecimal;

/**
 * An incoming invoice as the scanner delivers it. The simulated services read the "truth" fields
 * ({@code statedTotal}, {@code poReference}) to decide what OCR and matching return.
 *
 * @param id the invoice's id, also the run id: a re-submitted invoice is processed once
 * @param supplier the supplier's name
 * @param scanQuality 0..1; poor scans make OCR slow
 * @param statedTotal the total printed on the invoice
 * @param poReference the purchase-order reference printed on it, possibly inexact
 */
public record InvoiceFile(
    String id, String supplier, double scanQuality, BigDecimal statedTotal, String poReference) {}
