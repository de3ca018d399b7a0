package dev.firebreak.runtime.langchain4j;

import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilderLoader;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/**
 * LangChain4j's HTTP client SPI on the JDK's client, for models inside Firebreak steps: an error
 * response keeps the server's {@code Retry-After} ({@link ModelHttpException}), each request counts
 * against its model call ({@link ModelCalls}), and a step's timeout, which interrupts the thread,
 * aborts the request. Streaming and multipart requests go to LangChain4j's own client.
 */
final class FirebreakHttpClient implements HttpClient {
  private final java.net.http.HttpClient http;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final Clock clock;
  private volatile HttpClient other;

  FirebreakHttpClient(Duration connectTimeout, Duration readTimeout, Clock clock) {
    java.net.http.HttpClient.Builder builder = java.net.http.HttpClient.newBuilder();
    if (connectTimeout != null) {
      builder.connectTimeout(connectTimeout);
    }
    this.http = builder.build();
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
    this.clock = clock;
  }

  @Override
  public SuccessfulHttpResponse execute(HttpRequest request) {
    ModelCalls.beforeRequest();
    if (!request.formDataFields().isEmpty() || !request.formDataFiles().isEmpty()) {
      return other().execute(request);
    }
    java.net.http.HttpResponse<byte[]> response;
    try {
      response = http.send(jdkRequest(request), BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw new TimeoutException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the step's timeout: the request is abandoned
      throw new IllegalStateException("interrupted: the model call was abandoned", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int status = response.statusCode();
    if (status < 200 || status >= 300) {
      throw new ModelHttpException(
          status,
          new String(response.body(), StandardCharsets.UTF_8),
          RetryAfterHeaders.parse(response.headers().map(), clock.instant()));
    }
    return SuccessfulHttpResponse.builder()
        .statusCode(status)
        .headers(response.headers().map())
        .body(response.body())
        .build();
  }

  @Override
  public void execute(
      HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
    ModelCalls.beforeRequest();
    other().execute(request, parser, listener);
  }

  private java.net.http.HttpRequest jdkRequest(HttpRequest request) {
    java.net.http.HttpRequest.Builder builder =
        java.net.http.HttpRequest.newBuilder().uri(URI.create(request.url()));
    request
        .headers()
        .forEach(
            (name, values) -> {
              if (values != null) {
                values.forEach(value -> builder.header(name, value));
              }
            });
    BodyPublisher body =
        request.body() == null ? BodyPublishers.noBody() : BodyPublishers.ofString(request.body());
    builder.method(request.method().name(), body);
    if (readTimeout != null) {
      builder.timeout(readTimeout);
    }
    return builder.build();
  }

  /** LangChain4j's own client (found as its SPI finds it), for what this one does not do. */
  private HttpClient other() {
    HttpClient client = other;
    if (client == null) {
      dev.langchain4j.http.client.HttpClientBuilder builder =
          HttpClientBuilderLoader.loadHttpClientBuilder();
      if (connectTimeout != null) {
        builder.connectTimeout(connectTimeout);
      }
      if (readTimeout != null) {
        builder.readTimeout(readTimeout);
      }
      client = builder.build();
      other = client;
    }
    return client;
  }
}
