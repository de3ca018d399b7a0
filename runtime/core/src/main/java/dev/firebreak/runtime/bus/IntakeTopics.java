package dev.firebreak.runtime.bus;

import java.util.Objects;

/**
 * Where an {@link Intake} reads its requests and publishes what became of them.
 *
 * @param requests the topic of requests: key = the run id, value = the entry point's inputs as a
 *     JSON array, each in its generated codec's JSON
 * @param group the consumer group the nodes share the requests in
 * @param results where each run's result is published, keyed by run id; null for nowhere
 * @param deadLetters where each dead letter is published, keyed by run id (a request that could not
 *     be read: by {@code poison:<topic>@<position>}); null for nowhere
 */
public record IntakeTopics(String requests, String group, String results, String deadLetters) {
  public IntakeTopics {
    Objects.requireNonNull(requests, "requests");
    Objects.requireNonNull(group, "group");
  }

  /** Requests from {@code requests}, read by the group {@code group}, and nothing published. */
  public static IntakeTopics of(String requests, String group) {
    return new IntakeTopics(requests, group, null, null);
  }

  public IntakeTopics results(String topic) {
    return new IntakeTopics(requests, group, topic, deadLetters);
  }

  public IntakeTopics deadLetters(String topic) {
    return new IntakeTopics(requests, group, results, topic);
  }
}
