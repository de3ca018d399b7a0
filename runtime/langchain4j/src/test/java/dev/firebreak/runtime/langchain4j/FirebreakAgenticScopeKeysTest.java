package dev.firebreak.runtime.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.KeyValues;
import dev.firebreak.runtime.store.ForwardingCheckpointStore;
import dev.firebreak.runtime.store.InMemoryCheckpointStore;
import dev.langchain4j.agentic.scope.AgenticScopeKey;
import dev.langchain4j.agentic.scope.DefaultAgenticScope;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** How {@link FirebreakAgenticScopeStore} names scopes, and what it refuses. */
class FirebreakAgenticScopeKeysTest {
  @Test
  void everyKeyComesBackWithItsMemoryIdsType() {
    UUID uuid = UUID.fromString("0b6f2e4e-9a51-4a43-9c55-3f1c1f3c0a11");
    for (AgenticScopeKey key :
        List.of(
            new AgenticScopeKey("teller", "user-1"),
            new AgenticScopeKey("teller", "42"),
            new AgenticScopeKey("teller", 42),
            new AgenticScopeKey("teller", 42L),
            new AgenticScopeKey("teller", uuid),
            new AgenticScopeKey("a:1:s", "x:y"),
            new AgenticScopeKey("", ""))) {
      String stored = FirebreakAgenticScopeStore.encode(key);
      AgenticScopeKey back = FirebreakAgenticScopeStore.decode(stored);
      assertEquals(key, back, stored);
      assertEquals(key.memoryId().getClass(), back.memoryId().getClass(), stored);
    }
    assertEquals(
        "6:teller:s:user-1",
        FirebreakAgenticScopeStore.encode(new AgenticScopeKey("teller", "user-1")));
  }

  @Test
  void keysThatReadAlikeAreStoredApart() {
    // Without the agent id's length, "a:s:b" + "c" and "a" + "b:s:c" could meet.
    assertNotEquals(
        FirebreakAgenticScopeStore.encode(new AgenticScopeKey("a:s:b", "c")),
        FirebreakAgenticScopeStore.encode(new AgenticScopeKey("a", "b:s:c")));
    assertNotEquals(
        FirebreakAgenticScopeStore.encode(new AgenticScopeKey("a", "42")),
        FirebreakAgenticScopeStore.encode(new AgenticScopeKey("a", 42)));
  }

  @Test
  void aMemoryIdOfAnotherTypeIsRefusedClearly() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> FirebreakAgenticScopeStore.encode(new AgenticScopeKey("teller", 1.5)));
    assertTrue(e.getMessage().contains("java.lang.Double"), e.getMessage());
    assertTrue(e.getMessage().contains("String, Integer, Long or UUID"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> FirebreakAgenticScopeStore.encode(new AgenticScopeKey("teller", null)));
  }

  @Test
  void aStoreWithoutValuesByKeyIsRefusedWhenTheScopeStoreIsBuilt() {
    ForwardingCheckpointStore none =
        new ForwardingCheckpointStore(new InMemoryCheckpointStore()) {
          @Override
          public Optional<KeyValues> keyValues() {
            return Optional.empty();
          }
        };
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new FirebreakAgenticScopeStore(none));
    assertTrue(e.getMessage().contains("keeps no values by key"), e.getMessage());
  }

  @Test
  void aKeyNotWrittenByTheScopeStoreIsReportedWhenKeysAreListed() {
    InMemoryCheckpointStore store = new InMemoryCheckpointStore();
    store.keyValues().orElseThrow().put(FirebreakAgenticScopeStore.NAMESPACE, "stray", new byte[1]);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> new FirebreakAgenticScopeStore(store).getAllKeys());
    assertTrue(e.getMessage().contains("\"stray\""), e.getMessage());
  }

  @Test
  void aScopeIsStoredAsLangChain4jsJsonAndReadBack() {
    InMemoryCheckpointStore store = new InMemoryCheckpointStore();
    FirebreakAgenticScopeStore scopes = new FirebreakAgenticScopeStore(store, "my-app.scopes");
    DefaultAgenticScope scope = DefaultAgenticScope.ephemeralAgenticScope();
    scope.writeState("topic", "dragons");
    AgenticScopeKey key = new AgenticScopeKey("teller", scope.memoryId());
    assertTrue(scopes.save(key, scope));
    byte[] json =
        store
            .keyValues()
            .orElseThrow()
            .get("my-app.scopes", FirebreakAgenticScopeStore.encode(key))
            .orElseThrow();
    assertTrue(new String(json, java.nio.charset.StandardCharsets.UTF_8).contains("dragons"));
    assertEquals("dragons", scopes.load(key).orElseThrow().readState("topic"));
    assertEquals(Set.of(key), scopes.getAllKeys());
    assertTrue(scopes.delete(key));
    assertEquals(Set.of(), scopes.getAllKeys());
    assertSame(Optional.empty(), scopes.load(key));
  }
}
