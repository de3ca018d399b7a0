package dev.firebreak.sample.invoice.services;

import java.util.Random;

/**
 * How often each simulated service misbehaves. Every decision is drawn from a random stream seeded
 * by {@link #seed} and the invoice id (and attempt), so a batch misbehaves the same way on every
 * run whatever the thread interleaving.
 *
 * @param seed the batch's seed
 * @param poorScanRate share of invoices whose scan is poor: OCR is slow on them and times out
 * @param poorScanRecovery chance that a retry of a poor scan is fast enough
 * @param ocrErrorRate chance that one OCR call fails with a transient error
 * @param inexactPoRate share of invoices whose PO reference has a typo: no exact match
 * @param invalidAmountRate share of invoices whose amounts are impossible
 * @param ledgerErrorRate chance that one ledger post fails transiently
 */
public record FaultProfile(
    long seed,
    double poorScanRate,
    double poorScanRecovery,
    double ocrErrorRate,
    double inexactPoRate,
    double invalidAmountRate,
    double ledgerErrorRate) {

  /** The case study's profile: roughly what a logistics company's invoice inbox looks like. */
  public static FaultProfile caseStudy(long seed) {
    return new FaultProfile(seed, 0.06, 0.6, 0.08, 0.12, 0.02, 0.03);
  }

  /** No faults at all. */
  public static FaultProfile none(long seed) {
    return new FaultProfile(seed, 0, 1, 0, 0, 0, 0);
  }

  /** A deterministic random stream for one decision about one invoice. */
  public Random random(String invoiceId, String decision, int attempt) {
    long h = seed;
    h = 31 * h + invoiceId.hashCode();
    h = 31 * h + decision.hashCode();
    h = 31 * h + attempt;
    // Scrambled first: Random's first outputs for nearby seeds are correlated, which
    // would make attempt 2 fail whenever attempt 1 did.
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return new Random(h);
  }
}
