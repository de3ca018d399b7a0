package dev.firebreak.sample.triage.server;

import java.time.Duration;
import java.util.Random;

/**
 * How one model of the {@link ModelServer} misbehaves. Each request draws its fault from a random
 * stream seeded by {@link #seed}, the model, the request's first user message and how many times
 * the server saw that message before, so that a batch meets the same faults on every run, whatever
 * the thread interleaving, and a retry of a request draws afresh. A refusal is decided by the
 * message alone: a model that refuses a prompt refuses it every time.
 *
 * @param seed the profile's seed
 * @param rateLimited chance of a 429 with {@code Retry-After: 1}
 * @param serverError chance of a 500 or 503
 * @param slow chance that the answer takes {@link #slowFor}
 * @param malformed chance of a 200 whose body is cut off (not JSON)
 * @param schemaBroken chance of an answer that is JSON but not in the form the prompt asks for;
 *     never for a request that already tells the model its answer was invalid (a reprompt)
 * @param refusal share of prompts the model refuses (content filtered), every time
 * @param slowFor how long a slow answer takes
 * @param outageFrom when, after the server's first request, the model's outage begins (every
 *     request answered 503); null for none
 * @param outageFor how long the outage lasts
 */
public record ModelFaults(
    long seed,
    double rateLimited,
    double serverError,
    double slow,
    double malformed,
    double schemaBroken,
    double refusal,
    Duration slowFor,
    Duration outageFrom,
    Duration outageFor) {

  /** What the server does with one request. */
  public enum Fault {
    NONE,
    RATE_LIMITED,
    SERVER_ERROR,
    SLOW,
    MALFORMED,
    SCHEMA_BROKEN,
    REFUSAL,
    OUTAGE
  }

  public ModelFaults {
    for (double p :
        new double[] {rateLimited, serverError, slow, malformed, schemaBroken, refusal}) {
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("a fault's chance must be within 0..1, not " + p);
      }
    }
    if (rateLimited + serverError + slow + malformed + schemaBroken > 1) {
      throw new IllegalArgumentException("the chances of the per-request faults add up past 1");
    }
    if (slowFor == null || slowFor.isNegative()) {
      throw new IllegalArgumentException("slowFor must be a duration of zero or more");
    }
    if ((outageFrom == null) != (outageFor == null)) {
      throw new IllegalArgumentException("an outage needs both its start and its length");
    }
  }

  /** A model that always answers well. */
  public static ModelFaults none() {
    return new ModelFaults(0, 0, 0, 0, 0, 0, 0, Duration.ZERO, null, null);
  }

  /**
   * The triage case study's primary model: rate limits, 5xx, slow and broken answers, a few refused
   * prompts, and an outage of 1.5 s starting 1 s after the server does.
   */
  public static ModelFaults primary(long seed) {
    return new ModelFaults(
        seed,
        0.05,
        0.05,
        0.03,
        0.02,
        0.08,
        0.02,
        Duration.ofMillis(1500),
        Duration.ofSeconds(1),
        Duration.ofMillis(1500));
  }

  /** The triage case study's backup model: a smaller one that rarely fails. */
  public static ModelFaults backup(long seed) {
    return new ModelFaults(seed + 1, 0, 0.02, 0, 0, 0, 0, Duration.ofMillis(1500), null, null);
  }

  /**
   * The fault for the {@code nth} request (from 0) of {@code model} whose first user message is
   * {@code prompt}, {@code sinceStart} after the server's first request; {@code reprompt} if the
   * request tells the model its last answer was invalid.
   */
  public Fault draw(String model, String prompt, int nth, Duration sinceStart, boolean reprompt) {
    if (outageFrom != null
        && sinceStart.compareTo(outageFrom) >= 0
        && sinceStart.compareTo(outageFrom.plus(outageFor)) < 0) {
      return Fault.OUTAGE;
    }
    if (random(model, prompt, -1).nextDouble() < refusal) {
      return Fault.REFUSAL;
    }
    double u = random(model, prompt, nth).nextDouble();
    if ((u -= rateLimited) < 0) {
      return Fault.RATE_LIMITED;
    }
    if ((u -= serverError) < 0) {
      return Fault.SERVER_ERROR;
    }
    if ((u -= slow) < 0) {
      return Fault.SLOW;
    }
    if ((u -= malformed) < 0) {
      return Fault.MALFORMED;
    }
    if ((u -= schemaBroken) < 0) {
      return reprompt ? Fault.NONE : Fault.SCHEMA_BROKEN;
    }
    return Fault.NONE;
  }

  private Random random(String model, String prompt, int nth) {
    long h = seed;
    h = 31 * h + model.hashCode();
    h = 31 * h + prompt.hashCode();
    h = 31 * h + nth;
    // Scrambled: Random's first outputs for nearby seeds are correlated.
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return new Random(h);
  }
}
