package dev.firebreak.runtime.remote;

import dev.firebreak.runtime.bus.Delivery;
import dev.firebreak.runtime.bus.Transport;
import dev.firebreak.runtime.generated.AgentDispatch;
import dev.firebreak.runtime.store.Leases;
import dev.firebreak.runtime.time.Scheduler;
import dev.firebreak.runtime.time.SystemScheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs remotable agents' steps for orchestrators on other nodes: it reads each agent's calls topic
 * as a member of the agent's workers group, calls the agent method through its generated {@link
 * AgentDispatch}, and publishes the output or the failure to the call's reply topic. Each call is
 * claimed in the {@link CallRecords} by its idempotency key first, so a call delivered again, or
 * retried after its reply was lost, is answered from the record instead of called twice; a call is
 * acknowledged once its reply is published. At most {@code concurrency} calls run at once: past
 * that, the subscriptions pause, and the backlog waits in the bus.
 */
public final class FirebreakWorker implements AutoCloseable {
  static final Logger log = LoggerFactory.getLogger("dev.firebreak.runtime.remote");

  final Transport transport;
  final CallRecords records;
  final RemoteTopics topics;
  final String workerId;
  final Scheduler scheduler;
  final Executor executor;
  final Duration claimLease;
  final Duration keepOutputs;
  private final int concurrency;
  private final List<AutoCloseable> owned;
  private final List<Served> served = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Where claims are renewed: a thread of its own, never queued behind agent calls. */
  final ExecutorService renewals;

  /** Guards the running count, the waiting calls and the pause state. */
  private final ReentrantLock lock = new ReentrantLock();

  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private int running;
  private boolean paused;
  private volatile boolean closed;
  final AtomicLong calls = new AtomicLong();
  final AtomicLong answeredFromRecord = new AtomicLong();

  /** A call delivered while the worker was full. */
  private record Waiting(Served agent, Delivery delivery) {}

  private FirebreakWorker(Builder b) {
    this.transport = b.transport;
    this.records = b.records;
    this.topics = b.topics;
    this.workerId = b.workerId != null ? b.workerId : Leases.uniqueOwner();
    this.concurrency = b.concurrency;
    this.claimLease = b.claimLease;
    this.keepOutputs = b.keepOutputs;
    this.owned = new ArrayList<>();
    if (b.scheduler != null) {
      this.scheduler = b.scheduler;
    } else {
      SystemScheduler system = new SystemScheduler();
      owned.add(system);
      this.scheduler = system;
    }
    this.renewals = Executors.newSingleThreadExecutor(daemon("firebreak-worker-renewals"));
    owned.add(renewals::shutdown);
    if (b.executor != null) {
      this.executor = b.executor;
    } else {
      ExecutorService pool = Executors.newCachedThreadPool(daemon("firebreak-worker-call"));
      owned.add(pool::shutdown);
      this.executor = pool;
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicLong n = new AtomicLong();
    return task -> {
      Thread t = new Thread(task, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Starts a worker on {@code transport}: add its agents, then {@link Builder#start()}. */
  public static Builder builder(Transport transport) {
    return new Builder(transport);
  }

  /** This worker's id in the call records and as a member of the workers groups. */
  public String workerId() {
    return workerId;
  }

  /** Calls received so far (a call delivered twice counts twice). */
  public long calls() {
    return calls.get();
  }

  /**
   * Calls answered from the record, not by calling the agent: deliveries of a call already done.
   */
  public long answeredFromRecord() {
    return answeredFromRecord.get();
  }

  /** On the transport's thread: runs the call now, or keeps it until a running one ends. */
  void receive(Served agent, Delivery delivery) {
    lock.lock();
    try {
      if (closed) {
        return; // not acknowledged: another worker's after this one leaves
      }
      if (!waiting.isEmpty() || running >= concurrency) {
        waiting.addLast(new Waiting(agent, delivery));
        pauseAll();
        return;
      }
      running++;
    } finally {
      lock.unlock();
    }
    calls.incrementAndGet();
    start(agent, delivery);
  }

  private void start(Served agent, Delivery delivery) {
    try {
      executor.execute(() -> agent.serve(delivery));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      log.warn(
          "call {}@{} not started: the executor refused it", delivery.topic(), delivery.position());
      ended(); // unacknowledged: delivered again
    }
  }

  /** A call ended (replied, dropped or given up): the next waiting one may run. */
  void ended() {
    Waiting next;
    lock.lock();
    try {
      running--;
      next = closed ? null : waiting.pollFirst();
      if (next != null) {
        running++;
      } else if (paused && !closed) {
        paused = false;
        served.forEach(s -> s.subscription.resume());
      }
    } finally {
      lock.unlock();
    }
    if (next != null) {
      calls.incrementAndGet();
      start(next.agent(), next.delivery());
    }
  }

  private void pauseAll() {
    if (!paused) {
      paused = true;
      served.forEach(s -> s.subscription.pause());
    }
  }

  /** Adds an agent whose subscription just started, paused if the worker is (under the lock). */
  private void serving(Served s) {
    lock.lock();
    try {
      served.add(s);
      if (paused) {
        s.subscription.pause();
      }
    } finally {
      lock.unlock();
    }
  }

  boolean isClosed() {
    return closed;
  }

  /** Calls running now (waiting on a record included). */
  int running() {
    lock.lock();
    try {
      return running;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Leaves the workers groups (calls not yet started go to the other workers), then waits, up to
   * one claim lease, for the calls running here to reply, their claims renewed meanwhile. Close the
   * worker before its transport.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      waiting.clear();
    } finally {
      lock.unlock();
    }
    served.forEach(s -> s.subscription.close());
    long until = System.nanoTime() + claimLease.toNanos();
    while (running() > 0 && System.nanoTime() < until) {
      java.util.concurrent.locks.LockSupport.parkNanos(this, 10_000_000L);
    }
    for (int i = owned.size() - 1; i >= 0; i--) {
      try {
        owned.get(i).close();
      } catch (Exception e) {
        log.warn("closing {} failed", owned.get(i), e);
      }
    }
  }

  /** Configures a {@link FirebreakWorker}. */
  public static final class Builder {
    private final Transport transport;
    private CallRecords records = CallRecords.inMemory();
    private RemoteTopics topics = RemoteTopics.DEFAULT;
    private String workerId;
    private int concurrency = 16;
    private Scheduler scheduler;
    private Executor executor;
    private Duration claimLease = Duration.ofSeconds(10);
    private Duration keepOutputs = Duration.ofHours(24);
    private final Map<String, AgentDispatch> agents = new LinkedHashMap<>();

    private Builder(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
    }

    /** Serves {@code agent}'s steps (its generated dispatch over the agent instance). */
    public Builder agent(AgentDispatch agent) {
      if (agents.putIfAbsent(agent.agent(), agent) != null) {
        throw new IllegalArgumentException("agent " + agent.agent() + " is served already");
      }
      return this;
    }

    /**
     * Where calls are recorded by idempotency key. Default: in memory, which holds for workers in
     * one process; workers in several processes share {@link
     * dev.firebreak.runtime.store.SqliteCallRecords} (one host) or {@code RedisCallRecords} (any
     * host).
     */
    public Builder records(CallRecords records) {
      this.records = Objects.requireNonNull(records, "records");
      return this;
    }

    /** The topics; they must match the orchestrators'. Default {@link RemoteTopics#DEFAULT}. */
    public Builder topics(RemoteTopics topics) {
      this.topics = Objects.requireNonNull(topics, "topics");
      return this;
    }

    /** Pins the worker's id; default: unique per process ({@code host/pid/random}). */
    public Builder workerId(String workerId) {
      this.workerId = Objects.requireNonNull(workerId, "workerId");
      return this;
    }

    /** At most this many calls run at once (default 16); the rest wait in the bus. */
    public Builder concurrency(int concurrency) {
      if (concurrency < 1) {
        throw new IllegalArgumentException("concurrency must be positive: " + concurrency);
      }
      this.concurrency = concurrency;
      return this;
    }

    /**
     * How long a running call's claim lasts unless renewed (renewed every third of it while the
     * call runs): a worker that dies mid-call holds its calls this long at most. Default 10 s.
     */
    public Builder claimLease(Duration lease) {
      if (lease.isNegative() || lease.isZero()) {
        throw new IllegalArgumentException("claimLease must be positive: " + lease);
      }
      this.claimLease = lease;
      return this;
    }

    /**
     * How long a call's output is kept when its run has no deadline (with one: until the deadline).
     * Default 24 h.
     */
    public Builder keepOutputs(Duration keep) {
      this.keepOutputs = Objects.requireNonNull(keep, "keep");
      return this;
    }

    /** The timer of claim renewals and re-checks; default: its own real-time timer thread. */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Where agent methods run; default: a pool of its own. */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Joins each agent's workers group and starts serving its calls. */
    public FirebreakWorker start() {
      if (agents.isEmpty()) {
        throw new IllegalStateException("no agent to serve: add one with agent(...)");
      }
      FirebreakWorker worker = new FirebreakWorker(this);
      for (AgentDispatch agent : agents.values()) {
        Served s = new Served(worker, agent);
        s.subscription =
            transport.subscribe(
                topics.calls(agent.agent()),
                topics.workers(agent.agent()),
                delivery -> worker.receive(s, delivery));
        worker.serving(s);
      }
      worker.scheduler.schedule(
          () -> worker.executor.execute(worker::expire), Duration.ofMinutes(1));
      return worker;
    }
  }

  private void expire() {
    if (closed) {
      return;
    }
    try {
      records.expire(scheduler.now());
    } catch (RuntimeException e) {
      log.warn("expiring call records failed", e);
    }
    scheduler.schedule(() -> executor.execute(this::expire), Duration.ofMinutes(1));
  }
}
