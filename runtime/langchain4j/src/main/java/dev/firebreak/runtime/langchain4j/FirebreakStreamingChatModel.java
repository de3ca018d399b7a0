package dev.firebreak.runtime.langchain4j;

import dev.firebreak.runtime.StepContext;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * A LangChain4j {@link StreamingChatModel} inside a Firebreak step: the answer streams to a
 * consumer as it comes, and the step gets the whole of it, as from a {@link FirebreakChatModel},
 * with the same failure classes for its {@code @Retry} to name. The step's attempt waits for the
 * stream's end; the step's timeout (an interrupt) stops the wait, interrupts the thread reading the
 * stream and cancels it at its next token. Tokens are counted for the step by {@link
 * ModelTokenMeters} among the model's listeners. A streaming model makes no retries of its own, so
 * the step's {@code @Retry} is the one layer.
 *
 * <pre>{@code
 * FirebreakStreamingChatModel model = FirebreakStreamingChatModel.of("primary",
 *     OpenAiStreamingChatModel.builder().baseUrl(url).apiKey(key).modelName("gpt-4o-mini")
 *         .listeners(tokens).build());
 *
 * @Step @Retry(maxAttempts = 3, retryOn = TransientModelException.class) @Timeout("30s")
 * public Draft draft(Ticket ticket, StepContext ctx) {
 *   return new Draft(model.chat(ctx, request(ticket), screen::append).aiMessage().text());
 * }
 * }</pre>
 *
 * <p>A streaming request goes through LangChain4j's own HTTP client, which keeps no headers of an
 * error: a {@code Retry-After} is not read for it.
 */
public final class FirebreakStreamingChatModel {
  /** The listener attributes that name the model, workflow and step of a streamed answer. */
  static final String MODEL = "firebreak.model";

  static final String WORKFLOW = "firebreak.workflow";
  static final String STEP = "firebreak.step";

  private final String name;
  private final StreamingChatModel model;

  private FirebreakStreamingChatModel(String name, StreamingChatModel model) {
    this.name = Objects.requireNonNull(name, "name");
    this.model = Objects.requireNonNull(model, "model");
  }

  /** {@code model}, named {@code name} in its failures' messages and its meters. */
  public static FirebreakStreamingChatModel of(String name, StreamingChatModel model) {
    return new FirebreakStreamingChatModel(name, model);
  }

  /** The name its failures and meters give the model. */
  public String name() {
    return name;
  }

  /**
   * Streams the answer to {@code request} for the step {@code ctx}: each piece of text to {@code
   * onPartial} as it arrives (on the model's thread), the complete response returned at the end.
   *
   * @throws TransientModelException, PermanentModelException or InvalidModelOutputException as
   *     {@link FirebreakChatModel} classifies failures; an interrupt (the step's timeout) ends the
   *     wait with the thread's interrupt flag set
   */
  public ChatResponse chat(StepContext ctx, ChatRequest request, Consumer<String> onPartial) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(onPartial, "onPartial");
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    ChatRequestOptions options =
        ChatRequestOptions.builder()
            .listenerAttributes(Map.of(MODEL, name, WORKFLOW, ctx.workflow(), STEP, ctx.stepName()))
            .build();
    // A client may read the stream on the calling thread, where an interrupt does not reach a
    // blocked read: the stream is read on a thread of its own, and the step's thread waits.
    Future<?> reading =
        STREAMS.submit(
            () -> {
              try {
                model.chat(request, options, new Handler(onPartial, done));
              } catch (RuntimeException e) {
                done.completeExceptionally(e);
              }
            });
    try {
      return done.get();
    } catch (InterruptedException e) {
      done.cancel(false); // the handler cancels the stream at its next token
      reading.cancel(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: the streamed model call was abandoned", e);
    } catch (ExecutionException e) {
      throw ModelFailures.classify(name, runtime(e.getCause()));
    }
  }

  /** The threads streams are read on; idle ones end after a minute. */
  private static final ExecutorService STREAMS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "firebreak-model-stream");
            t.setDaemon(true);
            return t;
          });

  private static RuntimeException runtime(Throwable failure) {
    return failure instanceof RuntimeException r ? r : new IllegalStateException(failure);
  }

  /** Passes the text on and completes {@code done}; cancels the stream once nobody waits. */
  private static final class Handler implements StreamingChatResponseHandler {
    private final Consumer<String> onPartial;
    private final CompletableFuture<ChatResponse> done;

    Handler(Consumer<String> onPartial, CompletableFuture<ChatResponse> done) {
      this.onPartial = onPartial;
      this.done = done;
    }

    @Override
    public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
      if (done.isDone()) {
        context.streamingHandle().cancel();
        return;
      }
      onPartial.accept(partial.text());
    }

    @Override
    public void onPartialResponse(String partial) {
      if (!done.isDone()) {
        onPartial.accept(partial);
      }
    }

    @Override
    public void onCompleteResponse(ChatResponse response) {
      done.complete(response);
    }

    @Override
    public void onError(Throwable error) {
      done.completeExceptionally(error);
    }
  }
}
