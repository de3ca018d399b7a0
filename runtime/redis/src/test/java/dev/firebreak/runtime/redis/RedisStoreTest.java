package dev.firebreak.runtime.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.DeadLetterQueue;
import dev.firebreak.runtime.DeadLetterReason;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.store.RunQueriesContract;
import dev.firebreak.runtime.store.StoreContract;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/**
 * The store contract on a real Redis server, started on 127.0.0.1 for this class and stopped after
 * it.
 */
class RedisStoreTest extends StoreContract implements RunQueriesContract {
  private static LocalRedis local;
  private static RedisClient redis;

  @BeforeAll
  static void startServer() throws IOException {
    local = LocalRedis.start();
    redis = local.client();
  }

  @AfterAll
  static void stopServer() throws IOException {
    if (local != null) {
      local.close();
    }
  }

  @Override
  public CheckpointStore storeWithClock(java.time.Clock clock) {
    return sameData("runs-node", Duration.ofHours(1), clock);
  }

  /**
   * A page of 50 runs out of 10,000 reads the hashes of those 50 (and the one that says whether
   * there is a next page), whatever the filter: Redis's own command counts say so.
   */
  @Test
  void aPageReadsOnlyItsOwnRuns() {
    for (int i = 0; i < 10_000; i++) {
      String id = String.format("run-%05d", i);
      store.open(id, "wf" + (i % 20), "entry" + (i % 3), "h", null);
      if (i % 100 == 7) {
        store.fail(id, WorkflowStatus.FAILED, null);
      }
      if (i % 100 == 8) {
        store.saveStatus(
            id,
            WorkflowStatus.PARKED,
            new dev.firebreak.runtime.RunNotes(List.of(), 0, "b" + (i % 3)));
      }
      if (i % 100 == 9) {
        store.saveAttempt(id, "s", 2, new dev.firebreak.runtime.RunNotes(List.of(), 1, null));
      }
    }
    for (dev.firebreak.runtime.RunQuery query :
        List.of(
            dev.firebreak.runtime.RunQuery.all(),
            dev.firebreak.runtime.RunQuery.all().status(WorkflowStatus.FAILED),
            dev.firebreak.runtime.RunQuery.all().entryPoint("wf3", "entry1"),
            dev.firebreak.runtime.RunQuery.all()
                .workflow("wf3")
                .status(WorkflowStatus.RUNNING, WorkflowStatus.FAILED),
            // 100 runs retry, 33 or 34 park on each of three breakers: their own sets hold them.
            dev.firebreak.runtime.RunQuery.all().retrying(),
            dev.firebreak.runtime.RunQuery.all().parkedOn("b1").limit(20).after(null))) {
      redis.sendCommand(Protocol.Command.CONFIG, "RESETSTAT");
      int limit = query.parkedOn() != null ? 20 : 50;
      dev.firebreak.runtime.RunPage page = store.listRuns(query.limit(limit));
      assertEquals(limit, page.runs().size(), query.toString());
      long hashesRead = calls("hmget");
      long perSet = query.statuses().size() <= 1 ? 1 : query.statuses().size();
      assertTrue(
          hashesRead <= (limit + 1) * perSet,
          hashesRead + " runs read for a page of " + limit + ": " + query);
      assertEquals(0, calls("hgetall") + calls("keys") + calls("scan"), query.toString());
    }
  }

  /** How many times Redis ran {@code command} since the last reset of its statistics. */
  private static long calls(String command) {
    for (String line : redis.info("commandstats").split("\r?\n")) {
      if (line.startsWith("cmdstat_" + command + ":")) {
        return Long.parseLong(line.replaceAll(".*calls=(\\d+).*", "$1"));
      }
    }
    return 0;
  }

  @Override
  protected boolean hintsBreakerSwaps() {
    return true;
  }

  @Override
  protected CheckpointStore newStore() {
    redis.flushAll();
    return RedisStore.open(redis, "firebreak:", null);
  }

  @Override
  protected CheckpointStore sameData(
      String owner, java.time.Duration lease, java.time.Clock clock) {
    return RedisStore.open(redis, "firebreak:", null, owner, lease, clock);
  }

  @Override
  protected DeadLetterQueue deadLettersOf(CheckpointStore store) {
    return ((RedisStore) store).deadLetters();
  }

  @Test
  void aRunAnOlderNodeEndedLeavesTheSetsOfRunsRetryingAndParked() {
    store.open("r1", "wf", "process", "h", null);
    store.open("r2", "wf", "process", "h", null);
    store.saveAttempt("r1", "ocr", 2, new dev.firebreak.runtime.RunNotes(List.of(), 1, null));
    store.saveStatus(
        "r2", WorkflowStatus.PARKED, new dev.firebreak.runtime.RunNotes(List.of(), 0, "ocr-api"));
    // A node of the release before ends runs without a word about their notes.
    redis.hset("firebreak:run:r1", "status", "COMPLETED");
    redis.hset("firebreak:run:r2", "status", "FAILED");
    assertEquals(1, redis.zcard("firebreak:idx:retrying"));

    assertTrue(store.listRuns(dev.firebreak.runtime.RunQuery.all().retrying()).runs().isEmpty());
    assertTrue(
        store.listRuns(dev.firebreak.runtime.RunQuery.all().parkedOn("ocr-api")).runs().isEmpty());
    assertEquals(0, redis.zcard("firebreak:idx:retrying"), "read once, left");
    assertEquals(0, redis.zcard("firebreak:idx:parked:ocr-api"));
  }

  @Test
  void keysAreNamespacedAndFinishedRunsExpire() {
    RedisStore ttl = RedisStore.open(redis, "tenant-a:", Duration.ofMinutes(10));
    ttl.open("r1", "wf", "process", "h", null);
    ttl.saveStep("r1", "a", new byte[] {1}, 1);
    assertTrue(redis.exists("tenant-a:run:r1"));
    assertEquals(-1, redis.ttl("tenant-a:run:r1"), "a running run never expires");
    ttl.finish("r1", WorkflowStatus.COMPLETED, null);
    long left = redis.ttl("tenant-a:out:r1");
    assertTrue(left > 590 && left <= 600, "finished run expires in 10 minutes: " + left);
    assertTrue(store.find("r1").isEmpty(), "another namespace does not see it");
  }

  private static DeadLetter letter(String runId, String declaredBy) {
    return new DeadLetter(
        runId,
        "wf",
        "process",
        DeadLetterReason.RETRIES_EXHAUSTED,
        "extract",
        declaredBy,
        3,
        List.of("boom"),
        Instant.parse("2026-11-30T10:00:00Z"),
        null);
  }

  @Test
  void runsWrittenBeforeTheRunsApiAreListedOnceTheNamespaceIsOpenedAgain() {
    store.open("r1", "wf", "process", "h", null);
    store.open("r2", "wf", "process", "h", null);
    store.finish("r2", WorkflowStatus.COMPLETED, null);
    // As an older release left them: no sets of runs, no creation times.
    for (String key : redis.keys("firebreak:idx:*")) {
      redis.del(key);
    }
    redis.del("firebreak:runs:v1");
    redis.hdel("firebreak:run:r1", "created_at");
    redis.hdel("firebreak:run:r2", "created_at");
    assertEquals(List.of(), store.listRuns(dev.firebreak.runtime.RunQuery.all()).runs());
    CheckpointStore upgraded = RedisStore.open(redis, "firebreak:", null);
    try {
      dev.firebreak.runtime.RunPage page = upgraded.listRuns(dev.firebreak.runtime.RunQuery.all());
      assertEquals(
          List.of("r2", "r1"),
          page.runs().stream().map(dev.firebreak.runtime.RunSummary::runId).toList());
      assertEquals(Instant.EPOCH, page.runs().get(0).createdAt(), "creation time unknown: 0");
      assertEquals(
          java.util.Map.of(WorkflowStatus.RUNNING, 1L, WorkflowStatus.COMPLETED, 1L),
          upgraded.countRuns());
    } finally {
      upgraded.close();
    }
  }

  @Test
  void aFinishedRunWhoseKeysExpiredLeavesTheListsAndTheCounts() {
    TestClock clock = new TestClock();
    CheckpointStore expiring =
        RedisStore.open(
            redis, "firebreak:", Duration.ofMinutes(1), "ttl-node", Duration.ofHours(1), clock);
    try {
      expiring.open("kept", "wf", "process", "h", null);
      expiring.open("gone", "wf", "process", "h", null);
      expiring.finish("gone", WorkflowStatus.COMPLETED, null);
      assertEquals(2, expiring.listRuns(dev.firebreak.runtime.RunQuery.all()).runs().size());
      clock.advance(Duration.ofMinutes(1).plusSeconds(1));
      // What Redis does to the keys of "gone" once its minute is over.
      redis.del("firebreak:run:gone", "firebreak:out:gone", "firebreak:att:gone");
      expiring.saveStatus("kept", WorkflowStatus.PARKED); // any status change tidies up
      assertEquals(0, redis.zcard("firebreak:idx:s:COMPLETED"), "the sets forgot it unread");
      expiring.saveStatus("kept", WorkflowStatus.RUNNING);
      assertEquals(
          List.of("kept"),
          expiring.listRuns(dev.firebreak.runtime.RunQuery.all()).runs().stream()
              .map(dev.firebreak.runtime.RunSummary::runId)
              .toList());
      assertEquals(java.util.Map.of(WorkflowStatus.RUNNING, 1L), expiring.countRuns());
      assertEquals(0, redis.zcard("firebreak:idx:s:COMPLETED"), "the sets forgot it");
    } finally {
      expiring.close();
    }
  }

  @Test
  void aRunAnOlderNodeOpenedIsListedOnceItsStatusChanges() {
    store.open("old", "wf", "process", "h", null);
    // As a node of the last release opens a run during a rolling upgrade: no time, no sets.
    redis.hdel("firebreak:run:old", "created_at");
    for (String key : redis.keys("firebreak:idx:*")) {
      redis.del(key);
    }
    store.finish("old", WorkflowStatus.COMPLETED, null);
    dev.firebreak.runtime.RunSummary listed =
        store
            .listRuns(dev.firebreak.runtime.RunQuery.all().status(WorkflowStatus.COMPLETED))
            .runs()
            .get(0);
    assertEquals("old", listed.runId());
    assertEquals(Instant.EPOCH, listed.createdAt());
    assertEquals(1, store.listRuns(dev.firebreak.runtime.RunQuery.all()).runs().size());
  }

  @Test
  void pagesHoldInALocaleWithOtherDigits() {
    java.util.Locale before = java.util.Locale.getDefault();
    java.util.Locale.setDefault(java.util.Locale.forLanguageTag("fa-IR"));
    try {
      for (int i = 0; i < 5; i++) {
        store.open("r" + i, "wf", "process", "h", null);
      }
      dev.firebreak.runtime.RunPage first =
          store.listRuns(dev.firebreak.runtime.RunQuery.all().limit(3));
      dev.firebreak.runtime.RunPage second =
          store.listRuns(dev.firebreak.runtime.RunQuery.all().limit(3).after(first.nextCursor()));
      assertEquals(3, first.runs().size());
      assertEquals(2, second.runs().size(), "the second page goes on from the first");
      assertFalse(second.hasNext());
    } finally {
      java.util.Locale.setDefault(before);
    }
  }

  @Test
  void runsWrittenBeforeNodesExistedAreTakenOverAtOnce() {
    store.open("r1", "wf", "process", "h", null);
    store.open("r2", "wf", "process", "h", null);
    store.finish("r2", WorkflowStatus.COMPLETED, null);
    // As an older release left them: no nodes, no per-node sets, a host name as the owner.
    redis.del("firebreak:nodes", "firebreak:nodes:v1", "firebreak:own:" + store.nodeId());
    redis.hset("firebreak:run:r1", "owner", "host:old");
    CheckpointStore upgraded = RedisStore.open(redis, "firebreak:", null);
    try {
      upgraded.heartbeat();
      assertEquals(
          List.of("r1"),
          upgraded.takeOver(java.util.Set.of("wf#process"), 10).stream()
              .map(dev.firebreak.runtime.RunRecord::runId)
              .toList());
      assertEquals(
          List.of(),
          upgraded.takeOver(java.util.Set.of("wf#process"), 10),
          "and the migration runs once");
    } finally {
      upgraded.close();
    }
  }

  @Test
  void aLettersDeclaringMethodIsAFieldOfDlqByAndALetterStoredWithoutOneReadsAsUnknown() {
    deadLetters.add(letter("r1", "com.acme.OcrAgent#extract"));
    assertEquals("com.acme.OcrAgent#extract", redis.hget("firebreak:dlq:by", "r1"));
    redis.hdel("firebreak:dlq:by", "r1"); // as a letter stored before dlq:by was written
    DeadLetter old = deadLetters.list().get(0);
    assertEquals("", old.declaredBy());
    assertEquals("extract", old.step());

    deadLetters.add(letter("r1", "com.acme.OcrAgent#extract"));
    deadLetters.add(letter("r1", ""));
    assertFalse(
        redis.hexists("firebreak:dlq:by", "r1"), "a replacing letter leaves no stale field");
    deadLetters.add(letter("r2", "com.acme.OcrAgent#extract"));
    assertTrue(deadLetters.discard("r2"));
    assertFalse(redis.hexists("firebreak:dlq:by", "r2"), "a discarded letter leaves no field");
  }
}
