package dev.firebreak.runtime.langchain4j;

import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.KeyValues;
import dev.firebreak.runtime.RunIds;
import dev.langchain4j.agentic.scope.AgenticScopeKey;
import dev.langchain4j.agentic.scope.AgenticScopePersister;
import dev.langchain4j.agentic.scope.AgenticScopeSerializer;
import dev.langchain4j.agentic.scope.AgenticScopeStore;
import dev.langchain4j.agentic.scope.DefaultAgenticScope;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * LangChain4j's agentic scopes kept in a Firebreak store ({@link CheckpointStore#keyValues()}: the
 * SQLite file, PostgreSQL or Redis that already keeps the runs), so that an agentic system with a
 * memory id finds its scope again after a restart, or on another node of the same store.
 *
 * <p>A scope is stored as LangChain4j's own JSON ({@link AgenticScopeSerializer}), UTF-8, under a
 * key made of its {@link AgenticScopeKey}: the agent id's length, the agent id, then the memory
 * id's type and text ({@code 23:com.example.StoryTeller:s:user-1}: LangChain4j names a system by
 * its interface), so that no two keys share a stored key and {@link #getAllKeys()} gives back the
 * memory ids with their types. A memory id is a {@link String}, {@link Integer}, {@link Long} or
 * {@link UUID}; any other type is refused with an {@link IllegalArgumentException} when the scope
 * is saved. Values the scope's state holds must be types LangChain4j's serializer accepts (see
 * {@link AgenticScopeSerializer#allowDeserializationType}).
 *
 * <p>LangChain4j reads its store once per agentic system, when the system is built: {@linkplain
 * #install install} this store before building it. It saves a scope when the scope is created and
 * after the system's call ends (and at its checkpoints); a call without a memory id gets a scope
 * under a random one, saved at its start and deleted at its end: a write and a delete per call.
 */
public final class FirebreakAgenticScopeStore implements AgenticScopeStore {
  /** The namespace the scopes are kept in, unless another is given. */
  public static final String NAMESPACE = "langchain4j.agentic-scope";

  private final KeyValues values;
  private final String namespace;

  /**
   * Scopes kept in {@code store}'s values by key, under {@link #NAMESPACE}.
   *
   * @throws IllegalArgumentException if {@code store} keeps no values by key
   */
  public FirebreakAgenticScopeStore(CheckpointStore store) {
    this(store, NAMESPACE);
  }

  /**
   * Scopes kept in {@code store}'s values by key, under {@code namespace}: one per agentic
   * application sharing a store, if two must not see each other's scopes.
   *
   * @throws IllegalArgumentException if {@code store} keeps no values by key, or {@code namespace}
   *     is not a valid namespace ({@link KeyValues#checkNamespace})
   */
  public FirebreakAgenticScopeStore(CheckpointStore store, String namespace) {
    Objects.requireNonNull(store, "store");
    this.values =
        store
            .keyValues()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        store.getClass().getName()
                            + " keeps no values by key (CheckpointStore.keyValues() is empty), so"
                            + " it cannot keep agentic scopes: use the SQLite, PostgreSQL, Redis"
                            + " or in-memory store, or implement keyValues()"));
    this.namespace = KeyValues.checkNamespace(namespace);
  }

  /**
   * Makes a store on {@code store} LangChain4j's agentic scope store ({@link
   * AgenticScopePersister#setStore}), for the agentic systems built from now on; returns it.
   */
  public static FirebreakAgenticScopeStore install(CheckpointStore store) {
    FirebreakAgenticScopeStore scopes = new FirebreakAgenticScopeStore(store);
    AgenticScopePersister.setStore(scopes);
    return scopes;
  }

  /** {@link #install(CheckpointStore)} on the store of {@code runtime}. */
  public static FirebreakAgenticScopeStore install(FirebreakRuntime runtime) {
    return install(runtime.checkpointStore());
  }

  /** The namespace the scopes are kept in. */
  public String namespace() {
    return namespace;
  }

  /** Writes the scope's JSON under its key, replacing what was there; true once it is stored. */
  @Override
  public boolean save(AgenticScopeKey key, DefaultAgenticScope agenticScope) {
    String stored = encode(key);
    String json = AgenticScopeSerializer.toJson(agenticScope);
    values.put(namespace, stored, json.getBytes(StandardCharsets.UTF_8));
    return true;
  }

  @Override
  public Optional<DefaultAgenticScope> load(AgenticScopeKey key) {
    return values
        .get(namespace, encode(key))
        .map(json -> AgenticScopeSerializer.fromJson(new String(json, StandardCharsets.UTF_8)));
  }

  @Override
  public boolean delete(AgenticScopeKey key) {
    return values.remove(namespace, encode(key));
  }

  /**
   * The keys of the stored scopes, in the order of their stored keys.
   *
   * @throws IllegalStateException if the namespace holds a key this class did not write
   */
  @Override
  public Set<AgenticScopeKey> getAllKeys() {
    Set<AgenticScopeKey> keys = new LinkedHashSet<>();
    for (String stored : values.keys(namespace)) {
      keys.add(decode(stored));
    }
    return keys;
  }

  /**
   * The stored key of {@code key}: {@code <agent id length>:<agent id>:<type>:<memory id>}, type
   * {@code s}, {@code i}, {@code l} or {@code u} for a String, Integer, Long or UUID memory id.
   *
   * @throws IllegalArgumentException if the memory id is null or of another type, or the key is
   *     longer than {@link KeyValues#MAX_KEY_LENGTH}
   */
  static String encode(AgenticScopeKey key) {
    Objects.requireNonNull(key, "key");
    String agentId = Objects.requireNonNull(key.agentId(), "the key's agent id");
    Object memoryId = key.memoryId();
    String type;
    if (memoryId instanceof String) {
      type = "s";
    } else if (memoryId instanceof Integer) {
      type = "i";
    } else if (memoryId instanceof Long) {
      type = "l";
    } else if (memoryId instanceof UUID) {
      type = "u";
    } else {
      throw new IllegalArgumentException(
          "agent "
              + agentId
              + ": a memory id of "
              + (memoryId == null ? "null" : "type " + memoryId.getClass().getName())
              + " cannot name a stored agentic scope: use a String, Integer, Long or UUID");
    }
    return KeyValues.checkKey(agentId.length() + ":" + agentId + ":" + type + ":" + memoryId);
  }

  /** The key {@link #encode} made {@code stored} from. */
  static AgenticScopeKey decode(String stored) {
    try {
      int colon = stored.indexOf(':');
      int length = Integer.parseInt(stored.substring(0, colon));
      int agentEnd = colon + 1 + length;
      String agentId = stored.substring(colon + 1, agentEnd);
      if (stored.charAt(agentEnd) != ':' || stored.charAt(agentEnd + 2) != ':') {
        throw new IllegalArgumentException("no type after the agent id");
      }
      String text = stored.substring(agentEnd + 3);
      Object memoryId =
          switch (stored.charAt(agentEnd + 1)) {
            case 's' -> text;
            case 'i' -> Integer.valueOf(text);
            case 'l' -> Long.valueOf(text);
            case 'u' -> UUID.fromString(text);
            default -> throw new IllegalArgumentException("unknown type");
          };
      return new AgenticScopeKey(agentId, memoryId);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "the key "
              + RunIds.forLog(stored)
              + " was not written by "
              + FirebreakAgenticScopeStore.class.getSimpleName()
              + ": keep other values out of its namespace",
          e);
    }
  }
}
