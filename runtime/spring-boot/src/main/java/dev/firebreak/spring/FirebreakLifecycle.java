package dev.firebreak.spring;

import dev.firebreak.runtime.FirebreakRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The runtime's part in the context's lifecycle. Started once every singleton exists (so every
 * orchestrator has bound its workflow) and before the application's runners: the unfinished runs of
 * the bound workflows resume then. Started before the web server and stopped after it, so that no
 * request reaches a runtime that is shutting down; stopping shuts the runtime down gracefully (runs
 * in flight finish within the grace period, the rest are handed back to the store).
 */
public class FirebreakLifecycle implements SmartLifecycle {
  /** Below the web server's phases (Spring Boot's start at {@code DEFAULT_PHASE - 2048}). */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private static final Logger log = LoggerFactory.getLogger(FirebreakLifecycle.class);

  private final FirebreakRuntime runtime;
  private final boolean resumeOnStart;
  private volatile boolean running;

  public FirebreakLifecycle(FirebreakRuntime runtime, boolean resumeOnStart) {
    this.runtime = runtime;
    this.resumeOnStart = resumeOnStart;
  }

  @Override
  public void start() {
    running = true;
    if (resumeOnStart) {
      int resumed = runtime.resumeAll().size();
      if (resumed > 0) {
        log.info("Firebreak resumed {} unfinished runs", resumed);
      }
    }
  }

  @Override
  public void stop() {
    running = false;
    runtime.close();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
