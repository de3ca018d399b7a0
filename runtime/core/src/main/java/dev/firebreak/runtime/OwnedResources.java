package dev.firebreak.runtime;

import dev.firebreak.runtime.store.Leases;
import dev.firebreak.runtime.store.SqliteStore;
import dev.firebreak.runtime.time.Scheduler;
import dev.firebreak.runtime.time.SystemScheduler;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/**
 * What a runtime opens itself when its builder leaves it unset — the SQLite store, the timer, the
 * worker pool — and closes with it, in reverse order: the pool and timer stop before the store they
 * write to. A store, scheduler or executor given to the builder is the caller's to close.
 */
final class OwnedResources {
  private final Deque<AutoCloseable> opened = new ArrayDeque<>();

  /** {@code given}, or the SQLite store in {@code file}, as node {@code nodeId} if not null. */
  CheckpointStore storeOr(CheckpointStore given, Path file, String nodeId) {
    if (given != null) {
      return given;
    }
    SqliteStore sqlite =
        nodeId == null
            ? SqliteStore.open(file)
            : SqliteStore.open(file, nodeId, Leases.DEFAULT_DURATION, Clock.systemUTC());
    opened.push(sqlite);
    return sqlite;
  }

  /** {@code given}, or a real-time scheduler with its own timer thread. */
  Scheduler schedulerOr(Scheduler given) {
    if (given != null) {
      return given;
    }
    SystemScheduler system = new SystemScheduler();
    opened.push(system);
    return system;
  }

  /** {@code given}, or the default worker pool. */
  Executor executorOr(Executor given) {
    if (given != null) {
      return given;
    }
    ExecutorService pool = defaultExecutor();
    opened.push(pool::shutdown);
    return pool;
  }

  /** Closes what was opened here, the last first; a failure to close one is logged. */
  void close() {
    for (AutoCloseable c; (c = opened.poll()) != null; ) {
      try {
        c.close();
      } catch (Exception e) {
        LoggerFactory.getLogger(FirebreakRuntime.class).warn("closing {} failed", c, e);
      }
    }
  }

  /**
   * Virtual threads where the JDK has them (21+): a blocked agent then costs a few hundred bytes,
   * not a platform thread. Looked up once here, so the code still compiles for Java 17.
   */
  private static ExecutorService defaultExecutor() {
    try {
      MethodHandle factory =
          MethodHandles.publicLookup()
              .findStatic(
                  Executors.class,
                  "newVirtualThreadPerTaskExecutor",
                  MethodType.methodType(ExecutorService.class));
      return (ExecutorService) factory.invoke();
    } catch (NoSuchMethodException | IllegalAccessException e) {
      AtomicInteger count = new AtomicInteger();
      int threads = FirebreakRuntime.DEFAULT_POOL_THREADS;
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              threads,
              threads,
              30,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              task -> {
                Thread t = new Thread(task, "firebreak-worker-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      pool.allowCoreThreadTimeOut(true);
      return pool;
    } catch (Throwable e) {
      throw new IllegalStateException("cannot create the default executor", e);
    }
  }
}
