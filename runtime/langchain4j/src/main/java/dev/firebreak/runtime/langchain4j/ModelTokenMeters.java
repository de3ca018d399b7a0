package dev.firebreak.runtime.langchain4j;

import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A LangChain4j {@link ChatModelListener} that counts each answer's tokens, and their estimated
 * cost, in Micrometer meters per model and step. Add it to the model's listeners, wrap the model in
 * a {@link FirebreakChatModel}, and call it in steps through {@link FirebreakChatModel#forStep} (or
 * {@link FailoverChatModel#forStep}):
 *
 * <pre>{@code
 * ModelTokenMeters tokens = ModelTokenMeters.on(registry)
 *     .price("primary", 0.15, 0.60);          // USD per million input, output tokens
 * FirebreakChatModel model = FirebreakChatModel.of("primary", OpenAiChatModel.builder()
 *     ... .listeners(tokens).build());
 * // in the step:  model.forStep(ctx).chat(prompt)
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>meter</th><th>tags</th></tr>
 *   <tr><td>{@code firebreak.model.tokens} (counter, base unit tokens)</td>
 *       <td>model, workflow, step, kind = input | output</td></tr>
 *   <tr><td>{@code firebreak.model.cost} (counter, base unit usd: the estimated cost in US
 *       dollars)</td><td>model, workflow, step</td></tr>
 * </table>
 *
 * <ul>
 *   <li>{@code model} is the {@link FirebreakChatModel#name() Firebreak name} of the model that
 *       answered (with a {@link FailoverChatModel}, the backup when the backup answered), never the
 *       provider's model id: the names you choose bound the tag. Prices are given by that name too.
 *       Called other than inside a {@link FirebreakChatModel}, the model is {@code none}.
 *   <li>{@code workflow} (simple name, as in {@code FirebreakMetrics}) and {@code step} are the
 *       step's whose view made the call; a call made outside a step, or through the model itself
 *       rather than its {@code forStep} view, counts for workflow and step {@code none}.
 *   <li>A model without a price counts its tokens and no cost: it has no {@code
 *       firebreak.model.cost} series. The cost is an estimate from the prices given here, not the
 *       provider's bill.
 *   <li>Only answers count: a call that fails (an HTTP error, a timeout, a body that does not
 *       parse) counts nothing, and neither does an answer that carries no token usage. An answer
 *       that {@link Reprompt} then refuses was paid for, and counts.
 *   <li>Errors in the listener are logged, never thrown: the model call goes on.
 * </ul>
 *
 * <p>It needs {@code io.micrometer:micrometer-core} on the class path, which this module declares
 * as optional.
 */
public final class ModelTokenMeters implements ChatModelListener {
  private static final Logger LOG = LoggerFactory.getLogger(ModelTokenMeters.class);

  /** The tag value of a model, workflow or step that is not known. */
  public static final String NONE = "none";

  private final MeterRegistry registry;
  private final Map<String, Price> prices = new ConcurrentHashMap<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  private record Price(double inputPerMillion, double outputPerMillion) {}

  private ModelTokenMeters(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** A listener counting into {@code registry}, without prices. */
  public static ModelTokenMeters on(MeterRegistry registry) {
    return new ModelTokenMeters(registry);
  }

  /**
   * Prices the model named {@code model} (its {@link FirebreakChatModel#name()}) in US dollars per
   * million input and output tokens; a later price of the same model replaces this one.
   *
   * @throws IllegalArgumentException if a price is negative or not a finite number
   */
  public ModelTokenMeters price(String model, double inputPerMillion, double outputPerMillion) {
    Objects.requireNonNull(model, "model");
    if (!(Double.isFinite(inputPerMillion) && inputPerMillion >= 0)
        || !(Double.isFinite(outputPerMillion) && outputPerMillion >= 0)) {
      throw new IllegalArgumentException(
          "model "
              + model
              + ": prices are US dollars per million tokens, zero or more; got input "
              + inputPerMillion
              + ", output "
              + outputPerMillion);
    }
    prices.put(model, new Price(inputPerMillion, outputPerMillion));
    return this;
  }

  @Override
  public void onResponse(ChatModelResponseContext context) {
    try {
      count(context.chatResponse(), context.attributes());
    } catch (RuntimeException e) {
      LOG.warn("firebreak: tokens of a model's answer not counted", e);
    }
  }

  /**
   * Counts {@code response} for the model call on this thread or, for a streamed answer (which ends
   * on the model's thread), the model and step its {@code attributes} name.
   */
  private void count(ChatResponse response, java.util.Map<Object, Object> attributes) {
    TokenUsage usage = response == null ? null : response.tokenUsage();
    if (usage == null) {
      return;
    }
    ModelCalls call = ModelCalls.current();
    String model;
    String workflow;
    String step;
    if (call == null && attributes.get(FirebreakStreamingChatModel.MODEL) instanceof String m) {
      model = m;
      workflow = simple(String.valueOf(attributes.get(FirebreakStreamingChatModel.WORKFLOW)));
      step = String.valueOf(attributes.get(FirebreakStreamingChatModel.STEP));
    } else {
      model = call == null ? NONE : call.model();
      workflow = call == null || call.workflow() == null ? NONE : simple(call.workflow());
      step = call == null || call.step() == null ? NONE : call.step();
    }
    long input = tokens(usage.inputTokenCount());
    long output = tokens(usage.outputTokenCount());
    if (input > 0) {
      tokens(model, workflow, step, "input").increment(input);
    }
    if (output > 0) {
      tokens(model, workflow, step, "output").increment(output);
    }
    Price price = prices.get(model);
    if (price != null) {
      cost(model, workflow, step)
          .increment(
              (input * price.inputPerMillion() + output * price.outputPerMillion()) / 1_000_000d);
    }
  }

  private static long tokens(Integer count) {
    return count == null || count < 0 ? 0 : count;
  }

  private static String simple(String workflow) {
    return workflow.substring(workflow.lastIndexOf('.') + 1);
  }

  private Counter tokens(String model, String workflow, String step, String kind) {
    return counters.computeIfAbsent(
        "tokens\u0000" + model + "\u0000" + workflow + "\u0000" + step + "\u0000" + kind,
        k ->
            Counter.builder("firebreak.model.tokens")
                .description("Tokens of a model's answers, by kind (input or output)")
                .baseUnit("tokens")
                .tags("model", model, "workflow", workflow, "step", step, "kind", kind)
                .register(registry));
  }

  private Counter cost(String model, String workflow, String step) {
    return counters.computeIfAbsent(
        "cost\u0000" + model + "\u0000" + workflow + "\u0000" + step,
        k ->
            Counter.builder("firebreak.model.cost")
                .description("Estimated cost of a model's answers in US dollars, from its prices")
                .baseUnit("usd")
                .tags("model", model, "workflow", workflow, "step", step)
                .register(registry));
  }
}
