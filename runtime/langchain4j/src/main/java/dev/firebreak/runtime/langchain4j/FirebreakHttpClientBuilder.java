package dev.firebreak.runtime.langchain4j;

import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import java.time.Clock;
import java.time.Duration;

/**
 * Builds the HTTP client of a model that runs inside Firebreak steps: pass it to the model's
 * builder, {@code OpenAiChatModel.builder().httpClientBuilder(new FirebreakHttpClientBuilder())}.
 * Error responses keep the server's {@code Retry-After}, which the step's {@code @Retry} honours.
 */
public final class FirebreakHttpClientBuilder implements HttpClientBuilder {
  private Duration connectTimeout;
  private Duration readTimeout;
  private Clock clock = Clock.systemUTC();

  @Override
  public Duration connectTimeout() {
    return connectTimeout;
  }

  @Override
  public FirebreakHttpClientBuilder connectTimeout(Duration timeout) {
    this.connectTimeout = timeout;
    return this;
  }

  @Override
  public Duration readTimeout() {
    return readTimeout;
  }

  @Override
  public FirebreakHttpClientBuilder readTimeout(Duration timeout) {
    this.readTimeout = timeout;
    return this;
  }

  /** The clock an HTTP-date {@code Retry-After} is measured against; the system's by default. */
  public FirebreakHttpClientBuilder clock(Clock clock) {
    this.clock = java.util.Objects.requireNonNull(clock, "clock");
    return this;
  }

  @Override
  public HttpClient build() {
    return new FirebreakHttpClient(connectTimeout, readTimeout, clock);
  }
}
