package dev.firebreak.spring;

import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.postgres.PostgresStore;
import dev.firebreak.runtime.redis.RedisStore;
import dev.firebreak.runtime.store.Leases;
import dev.firebreak.runtime.store.SqliteStore;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.providers.PooledConnectionProvider;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * The store the runtime keeps its runs in, unless the application has a {@link CheckpointStore} or
 * a {@link FirebreakRuntime} bean of its own. {@code firebreak.store} names it; {@code auto} (the
 * default) takes PostgreSQL when {@code firebreak-postgres} is on the class path and the
 * application has a {@code DataSource}, else Redis when {@code firebreak-redis} is there and the
 * application has a {@code UnifiedJedis} bean or sets {@code firebreak.redis.url}, else the SQLite
 * file {@code firebreak.sqlite-path}. A store named but not available stops the start, saying what
 * is missing.
 */
@Configuration(proxyBeanMethods = false)
@Import({FirebreakStoreConfiguration.Postgres.class, FirebreakStoreConfiguration.Redis.class})
class FirebreakStoreConfiguration {
  /** The store bean; the context closes it after the runtime. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean({CheckpointStore.class, FirebreakRuntime.class})
  CheckpointStore firebreakStore(FirebreakProperties properties, List<StoreOpener> openers) {
    requireLibraries();
    StoreOpener opener = choose(properties, openers);
    String owner = properties.getNodeId().isEmpty() ? Leases.uniqueOwner() : properties.getNodeId();
    return opener.open(owner, properties.getLeaseDuration(), Clock.systemUTC());
  }

  /**
   * Loads Firebreak's codecs, which check the jackson-core version first: a start on a version too
   * old fails with that check's message, not an ExceptionInInitializerError's null.
   */
  private static void requireLibraries() {
    try {
      Class.forName("dev.firebreak.runtime.codec.Codecs");
    } catch (ExceptionInInitializerError e) {
      if (e.getCause() instanceof IllegalStateException tooOld) {
        throw new IllegalStateException(tooOld.getMessage(), e);
      }
      throw e;
    } catch (NoClassDefFoundError e) {
      throw new IllegalStateException(
          "Firebreak's codecs failed to load earlier in this JVM; the first error says why", e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("firebreak-runtime is not on the class path", e);
    }
  }

  @Bean
  StoreOpener sqliteOpener(FirebreakProperties properties) {
    return new StoreOpener() {
      @Override
      public FirebreakProperties.Store kind() {
        return FirebreakProperties.Store.SQLITE;
      }

      @Override
      public String missing() {
        return null;
      }

      @Override
      public CheckpointStore open(String owner, Duration lease, Clock clock) {
        return SqliteStore.open(properties.getSqlitePath(), owner, lease, clock);
      }
    };
  }

  static StoreOpener choose(FirebreakProperties properties, List<StoreOpener> openers) {
    FirebreakProperties.Store wanted = properties.getStore();
    if (wanted == FirebreakProperties.Store.AUTO) {
      for (FirebreakProperties.Store kind :
          List.of(FirebreakProperties.Store.POSTGRES, FirebreakProperties.Store.REDIS)) {
        for (StoreOpener o : openers) {
          if (o.kind() == kind && o.missing() == null) {
            return o;
          }
        }
      }
      wanted = FirebreakProperties.Store.SQLITE;
    }
    for (StoreOpener o : openers) {
      if (o.kind() == wanted) {
        String missing = o.missing();
        if (missing != null) {
          throw new IllegalStateException("firebreak.store=" + label(wanted) + ": " + missing);
        }
        return o;
      }
    }
    throw new IllegalStateException(
        "firebreak.store="
            + label(wanted)
            + ": add firebreak-"
            + label(wanted)
            + " to the application's dependencies (stores on the class path: "
            + openers.stream().map(o -> label(o.kind())).collect(Collectors.joining(", "))
            + ")");
  }

  private static String label(FirebreakProperties.Store kind) {
    return kind.name().toLowerCase(java.util.Locale.ROOT);
  }

  /** PostgreSQL through the application's {@code DataSource}, with firebreak-postgres. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "dev.firebreak.runtime.postgres.PostgresStore")
  static class Postgres {
    @Bean
    StoreOpener postgresOpener(ObjectProvider<DataSource> dataSources) {
      return new StoreOpener() {
        @Override
        public FirebreakProperties.Store kind() {
          return FirebreakProperties.Store.POSTGRES;
        }

        @Override
        public String missing() {
          return dataSources.getIfUnique() == null
              ? "the application has no DataSource bean (or more than one, none primary)"
              : null;
        }

        @Override
        public CheckpointStore open(String owner, Duration lease, Clock clock) {
          return PostgresStore.open(dataSources.getObject(), owner, lease, clock);
        }
      };
    }
  }

  /**
   * Redis through the application's {@code UnifiedJedis} bean or {@code firebreak.redis.url}, with
   * firebreak-redis.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name = {"dev.firebreak.runtime.redis.RedisStore", "redis.clients.jedis.UnifiedJedis"})
  static class Redis {
    @Bean
    StoreOpener redisOpener(FirebreakProperties properties, ObjectProvider<UnifiedJedis> clients) {
      FirebreakProperties.Redis redis = properties.getRedis();
      return new StoreOpener() {
        private UnifiedJedis made;

        @Override
        public FirebreakProperties.Store kind() {
          return FirebreakProperties.Store.REDIS;
        }

        @Override
        public String missing() {
          return redis.getUrl() == null && clients.getIfUnique() == null
              ? "set firebreak.redis.url, or give the application a UnifiedJedis bean"
              : null;
        }

        @Override
        public CheckpointStore open(String owner, Duration lease, Clock clock) {
          URI url = redis.getUrl() == null ? null : RedisClients.parse(redis.getUrl());
          String where =
              url != null
                  ? "at " + RedisClients.withoutSecrets(url)
                  : "through the UnifiedJedis bean";
          try {
            UnifiedJedis client;
            if (url != null) {
              made = RedisClients.of(url);
              client = made;
            } else {
              client = clients.getObject();
            }
            return RedisStore.open(
                client, redis.getNamespace(), redis.getFinishedTtl(), owner, lease, clock);
          } catch (RuntimeException e) {
            throw new IllegalStateException(
                "firebreak.store=redis: cannot open the store " + where + ": " + e.getMessage(), e);
          }
        }

        /** Closes the client made from {@code firebreak.redis.url}, after the store. */
        @Override
        public void close() {
          if (made != null) {
            made.close();
          }
        }
      };
    }
  }

  /**
   * A client from a {@code redis://} or {@code rediss://} URL, on Jedis 6, 7 and 8 (the versions
   * Boot 3.5 and 4.0 manage, and the newest).
   */
  static final class RedisClients {
    private RedisClients() {}

    /**
     * {@code firebreak.redis.url} as a URI; one that does not parse is refused without its text,
     * which may hold a password.
     */
    static URI parse(String url) {
      try {
        return new URI(url);
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException(
            "firebreak.redis.url is not a valid URI at index "
                + e.getIndex()
                + " (its text is kept out of this message: it may hold a password)");
      }
    }

    /** {@code url} without its user and password, for messages. */
    static String withoutSecrets(URI url) {
      return url.getScheme() + "://" + url.getHost() + ":" + url.getPort() + url.getPath();
    }

    static UnifiedJedis of(URI url) {
      if (!(JedisURIHelper.isRedisScheme(url) || JedisURIHelper.isRedisSSLScheme(url))
          || !JedisURIHelper.isValid(url)) {
        throw new IllegalArgumentException(
            "firebreak.redis.url is not a redis:// or rediss:// URL with a host and port: "
                + withoutSecrets(url));
      }
      DefaultJedisClientConfig.Builder config =
          DefaultJedisClientConfig.builder()
              .user(JedisURIHelper.getUser(url))
              .password(JedisURIHelper.getPassword(url))
              .database(JedisURIHelper.getDBIndex(url))
              .ssl(JedisURIHelper.isRedisSSLScheme(url));
      return new UnifiedJedis(
          new PooledConnectionProvider(JedisURIHelper.getHostAndPort(url), config.build()),
          3,
          Duration.ofSeconds(5));
    }
  }
}
