package dev.firebreak.runtime.graph;

import dev.firebreak.runtime.CheckpointCodec;
import dev.firebreak.runtime.NullOutputException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * One step of an {@link EntryPointPlan}: what it consumes and produces, and its policies. Built by
 * generated code; immutable.
 *
 * <p>Values of a run live in numbered slots (see {@link EntryPointPlan}). A step's {@link
 * #inputSlots()} are the slots of its parameters, in parameter order, and it writes its output to
 * {@link #outputSlot()}; {@link #afterSteps()} are the plan indices of steps it waits for without
 * consuming their outputs (given by name, {@link Builder#after(String...)}, they are resolved when
 * the plan is built).
 */
public final class StepDescriptor {
  /** What a null output of the step's agent method or fallback means. */
  public enum NullOutput {
    /** A failed attempt ({@link NullOutputException}): the default. */
    REFUSED,
    /** The output is declared {@code @Nullable}: null is a valid output and flows on. */
    ALLOWED,
    /** The output is an {@code Optional}: null is taken as {@code Optional.empty()}. */
    EMPTY_OPTIONAL
  }

  private final String name;
  private final String declaredBy;
  private final String produces;
  private final int[] inputSlots;
  private final int outputSlot;
  private final int[] afterSteps;
  private final String[] afterNames;
  private final boolean async;
  private final boolean critical;
  private final boolean hasFallback;
  private final Object neutralDefault;
  private final boolean statedDefault;
  private final RetryPolicy retry;
  private final Duration timeout;
  private final CircuitBreakerPolicy circuitBreaker;
  private final CheckpointCodec<?> checkpointCodec;
  private final boolean compensated;
  private final NullOutput nullOutput;

  private StepDescriptor(Builder b) {
    this.name = b.name;
    this.declaredBy = b.declaredBy;
    this.produces = b.produces;
    this.inputSlots = b.inputSlots;
    this.outputSlot = b.outputSlot;
    this.afterSteps = b.afterSteps;
    this.afterNames = b.afterNames;
    this.async = b.async;
    this.critical = b.critical;
    this.hasFallback = b.hasFallback;
    this.neutralDefault = b.neutralDefault;
    this.statedDefault = b.statedDefault;
    this.retry = b.retry;
    this.timeout = Objects.requireNonNull(b.timeout, "every step has a timeout");
    this.circuitBreaker = b.circuitBreaker;
    this.checkpointCodec = b.checkpointCodec;
    this.compensated = b.compensated;
    this.nullOutput = b.nullOutput;
  }

  /** Starts a descriptor for the step called {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The step's name, unique within its workflow. */
  public String name() {
    return name;
  }

  /** The agent method that implements the step, e.g. {@code OcrAgent#extract}. */
  public String declaredBy() {
    return declaredBy;
  }

  /** The binding the step produces, e.g. {@code ExtractedInvoice}. */
  public String produces() {
    return produces;
  }

  /** Slots of the step's parameters, in parameter order (a copy). */
  public int[] inputSlots() {
    return inputSlots.clone();
  }

  /** The slot the step writes, or -1 when its plan lays slots out by position. */
  public int outputSlot() {
    return outputSlot;
  }

  /** Indices of steps this one waits for without consuming their outputs (a copy). */
  public int[] afterSteps() {
    return afterSteps.clone();
  }

  /** Whether the step returns a {@code CompletionStage}. */
  public boolean isAsync() {
    return async;
  }

  /** Whether the step's failure, without a fallback, fails the run. */
  public boolean isCritical() {
    return critical;
  }

  /** Whether the step names a fallback method. */
  public boolean hasFallback() {
    return hasFallback;
  }

  /**
   * What a failed non-critical step without fallback yields: its stated {@code orElse} constant, or
   * null, an empty collection, …
   */
  public Object neutralDefault() {
    return neutralDefault;
  }

  /** Whether {@link #neutralDefault()} is the constant the step states ({@code orElse}). */
  public boolean hasStatedDefault() {
    return statedDefault;
  }

  public RetryPolicy retry() {
    return retry;
  }

  /** The time allowed for one attempt. */
  public Duration timeout() {
    return timeout;
  }

  /** The step's circuit breaker, or {@code null}. */
  public CircuitBreakerPolicy circuitBreaker() {
    return circuitBreaker;
  }

  /** Whether the step's output is checkpointed. */
  public boolean isCheckpointed() {
    return checkpointCodec != null;
  }

  /** The codec of the step's output if it is checkpointed, else {@code null}. */
  public CheckpointCodec<?> checkpointCodec() {
    return checkpointCodec;
  }

  /** Whether the step has a compensation. */
  public boolean isCompensated() {
    return compensated;
  }

  /** What a null output means; {@link NullOutput#REFUSED} unless declared otherwise. */
  public NullOutput nullOutput() {
    return nullOutput;
  }

  /** This step with other retry, timeout and breaker policies (runtime overrides). */
  public StepDescriptor withPolicies(
      RetryPolicy retry, Duration timeout, CircuitBreakerPolicy circuitBreaker) {
    Builder b = toBuilder();
    b.retry = Objects.requireNonNull(retry, "retry");
    b.timeout = timeout;
    b.circuitBreaker = circuitBreaker;
    return new StepDescriptor(b);
  }

  /** The steps named by {@link Builder#after(String...)}, not yet resolved to plan indices. */
  String[] afterNames() {
    return afterNames.clone();
  }

  /** This step waiting for the plan's steps at {@code indices}, its names resolved. */
  StepDescriptor withAfterSteps(int[] indices) {
    Builder b = toBuilder();
    b.afterSteps = indices.clone();
    b.afterNames = new String[0];
    return new StepDescriptor(b);
  }

  private Builder toBuilder() {
    Builder b = new Builder(name);
    b.declaredBy = declaredBy;
    b.produces = produces;
    b.inputSlots = inputSlots;
    b.outputSlot = outputSlot;
    b.afterSteps = afterSteps;
    b.afterNames = afterNames;
    b.async = async;
    b.critical = critical;
    b.hasFallback = hasFallback;
    b.neutralDefault = neutralDefault;
    b.statedDefault = statedDefault;
    b.retry = retry;
    b.timeout = timeout;
    b.circuitBreaker = circuitBreaker;
    b.checkpointCodec = checkpointCodec;
    b.compensated = compensated;
    b.nullOutput = nullOutput;
    return b;
  }

  @Override
  public String toString() {
    return "Step["
        + name
        + " <- "
        + Arrays.toString(inputSlots)
        + (outputSlot >= 0 ? " -> " + outputSlot : "")
        + "]";
  }

  /** Builds a {@link StepDescriptor}; used by generated code. */
  public static final class Builder {
    private final String name;
    private String declaredBy = "";
    private String produces = "";
    private int[] inputSlots = new int[0];
    private int outputSlot = -1;
    private int[] afterSteps = new int[0];
    private String[] afterNames = new String[0];
    private boolean async;
    private boolean critical = true;
    private boolean hasFallback;
    private Object neutralDefault;
    private boolean statedDefault;
    private RetryPolicy retry = RetryPolicy.NONE;
    private Duration timeout;
    private CircuitBreakerPolicy circuitBreaker;
    private CheckpointCodec<?> checkpointCodec;
    private boolean compensated;
    private NullOutput nullOutput = NullOutput.REFUSED;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    public Builder declaredBy(String declaredBy) {
      this.declaredBy = declaredBy;
      return this;
    }

    public Builder produces(String produces) {
      this.produces = produces;
      return this;
    }

    public Builder inputs(int... slots) {
      this.inputSlots = slots.clone();
      return this;
    }

    /**
     * The slot the step writes its output to, in a plan whose slot layout is stated (see {@link
     * EntryPointPlan.Builder}); without it, step {@code i} writes slot {@code inputCount + i}.
     */
    public Builder output(int slot) {
      if (slot < 0) {
        throw new IllegalArgumentException("output slot " + slot + " is negative");
      }
      this.outputSlot = slot;
      return this;
    }

    /** Waits for the steps at these plan indices without consuming their outputs. */
    public Builder after(int... steps) {
      this.afterSteps = steps.clone();
      return this;
    }

    /** Waits for the named steps without consuming their outputs; each must be in the plan. */
    public Builder after(String... steps) {
      this.afterNames = steps.clone();
      return this;
    }

    public Builder async() {
      this.async = true;
      return this;
    }

    /** Marks the step non-critical: on final failure it yields {@code neutralDefault}. */
    public Builder nonCritical(Object neutralDefault) {
      this.critical = false;
      this.neutralDefault = neutralDefault;
      this.statedDefault = false;
      return this;
    }

    /**
     * Marks the step non-critical with a stated default ({@code @Critical(orElse)}): on final
     * failure it yields {@code value}.
     */
    public Builder orElse(Object value) {
      nonCritical(value);
      this.statedDefault = true;
      return this;
    }

    public Builder fallback() {
      this.hasFallback = true;
      return this;
    }

    public Builder retry(RetryPolicy retry) {
      this.retry = Objects.requireNonNull(retry, "retry");
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    public Builder circuitBreaker(CircuitBreakerPolicy circuitBreaker) {
      this.circuitBreaker = circuitBreaker;
      return this;
    }

    public Builder checkpointed(CheckpointCodec<?> codec) {
      this.checkpointCodec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    public Builder compensated() {
      this.compensated = true;
      return this;
    }

    /**
     * Declares the output {@code @Nullable}: a null output flows on instead of failing the attempt.
     */
    public Builder nullable() {
      this.nullOutput = NullOutput.ALLOWED;
      return this;
    }

    /**
     * Declares the output an {@code Optional}: a null output is taken as {@code Optional.empty()}.
     */
    public Builder emptyWhenNull() {
      this.nullOutput = NullOutput.EMPTY_OPTIONAL;
      return this;
    }

    public StepDescriptor build() {
      return new StepDescriptor(this);
    }
  }
}
