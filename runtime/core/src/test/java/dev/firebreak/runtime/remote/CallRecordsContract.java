package dev.firebreak.runtime.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.remote.CallRecords.State;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The call records' rules, on explicit instants (no clock, no sleep), for every kind of records.
 */
public abstract class CallRecordsContract {
  private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");
  private static final byte[] OUT = "\"DONE\"".getBytes(StandardCharsets.UTF_8);

  /** Fresh, empty records. */
  protected abstract CallRecords open();

  @Test
  void aLiveClaimMakesOthersBusyAndALapsedOneIsTakenOver() {
    try (CallRecords r = open()) {
      assertEquals(State.CLAIMED, r.claim("k", "w1", T0, T0.plusSeconds(10)).state());
      CallRecords.Claim busy = r.claim("k", "w2", T0.plusSeconds(5), T0.plusSeconds(15));
      assertEquals(State.BUSY, busy.state());
      assertEquals(T0.plusSeconds(10), busy.until());
      assertEquals(
          State.BUSY,
          r.claim("k", "w1", T0.plusSeconds(6), T0.plusSeconds(16)).state(),
          "a call delivered again to the worker running it waits too");
      assertEquals(
          State.CLAIMED,
          r.claim("k", "w2", T0.plusSeconds(10), T0.plusSeconds(20)).state(),
          "lapsed at its until: its worker is gone");
      assertFalse(r.renew("k", "w1", T0.plusSeconds(30)), "w1 lost it");
      assertTrue(r.renew("k", "w2", T0.plusSeconds(30)));
    }
  }

  @Test
  void aDoneCallIsAnsweredFromItsOutputUntilItExpires() {
    try (CallRecords r = open()) {
      r.claim("k", "w1", T0, T0.plusSeconds(10));
      assertTrue(r.done("k", "w1", OUT, T0.plusSeconds(60)));
      CallRecords.Claim done = r.claim("k", "w2", T0.plusSeconds(1), T0.plusSeconds(11));
      assertEquals(State.DONE, done.state());
      assertArrayEquals(OUT, done.output());
      assertFalse(r.renew("k", "w1", T0.plusSeconds(20)), "a done call has no claim to renew");
      r.release("k", "w1");
      assertArrayEquals(OUT, r.output("k").orElseThrow(), "release never drops an output");

      assertEquals(0, r.expire(T0.plusSeconds(59)));
      assertEquals(1, r.expire(T0.plusSeconds(60)));
      assertTrue(r.output("k").isEmpty());
      assertEquals(
          State.CLAIMED, r.claim("k", "w2", T0.plusSeconds(61), T0.plusSeconds(70)).state());
    }
  }

  @Test
  void aWorkerWhoseClaimPassedToAnotherRecordsNothingAndLapsedClaimsExpire() {
    try (CallRecords r = open()) {
      r.claim("k", "w1", T0, T0.plusSeconds(10));
      r.claim("k", "w2", T0.plusSeconds(10), T0.plusSeconds(20)); // w1's lapsed
      assertFalse(r.done("k", "w1", OUT, T0.plusSeconds(60)), "w1 lost its claim");
      assertTrue(r.output("k").isEmpty(), "nothing recorded over w2's claim");
      assertEquals(State.BUSY, r.claim("k", "w3", T0.plusSeconds(11), T0.plusSeconds(21)).state());

      r.claim("lapsed", "w1", T0, T0.plusSeconds(10));
      assertEquals(2, r.expire(T0.plusSeconds(30)), "both claims lapsed by then");
      assertEquals(
          State.CLAIMED, r.claim("k", "w3", T0.plusSeconds(30), T0.plusSeconds(40)).state());
    }
  }

  @Test
  void aFailedCallIsReleasedSoTheRetryIsARealCall() {
    try (CallRecords r = open()) {
      r.claim("k", "w1", T0, T0.plusSeconds(10));
      r.release("k", "w2"); // not its claim: nothing happens
      assertEquals(State.BUSY, r.claim("k", "w3", T0.plusSeconds(1), T0.plusSeconds(11)).state());
      r.release("k", "w1");
      assertEquals(
          State.CLAIMED, r.claim("k", "w3", T0.plusSeconds(1), T0.plusSeconds(11)).state());
      assertTrue(r.output("k").isEmpty(), "no failure is ever recorded");
    }
  }

  @Test
  void aForgottenKeyIsARealCallAgainWhetherDoneOrClaimed() {
    try (CallRecords r = open()) {
      r.claim("done", "w1", T0, T0.plusSeconds(10));
      r.done("done", "w1", OUT, T0.plusSeconds(60));
      r.forget("done");
      assertTrue(r.output("done").isEmpty());
      assertEquals(
          State.CLAIMED, r.claim("done", "w2", T0.plusSeconds(1), T0.plusSeconds(11)).state());

      r.claim("held", "w1", T0, T0.plusSeconds(10));
      r.forget("held");
      assertEquals(
          State.CLAIMED, r.claim("held", "w2", T0.plusSeconds(1), T0.plusSeconds(11)).state());
      r.forget("never-seen"); // nothing to drop: no failure
      assertEquals(2, r.expire(T0.plusSeconds(120)), "the two new claims, and nothing forgotten");
    }
  }

  @Test
  void ofWorkersClaimingOneKeyAtOnceExactlyOneWins() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (CallRecords r = open()) {
      for (int k = 0; k < 20; k++) {
        String key = "race-" + k;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<State>> claims = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
          String worker = "w" + w;
          claims.add(
              pool.submit(
                  () -> {
                    go.await();
                    return r.claim(key, worker, T0, T0.plusSeconds(10)).state();
                  }));
        }
        go.countDown();
        int won = 0;
        for (Future<State> claim : claims) {
          won += claim.get(30, TimeUnit.SECONDS) == State.CLAIMED ? 1 : 0;
        }
        assertEquals(1, won, key);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
