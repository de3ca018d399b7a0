package dev.firebreak.runtime.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.remote.RemoteRestart;
import dev.firebreak.runtime.remote.RemoteTopics;
import org.junit.jupiter.api.Test;

/** The broker restarted under remote calls in flight: every run completes, each effect once. */
class KafkaRemoteRestartTest {
  @Test
  void aBrokerRestartUnderRemoteCallsLosesNoneAndRepeatsNoEffect() throws Exception {
    try (KafkaBroker broker = KafkaBroker.start()) {
      RemoteTopics topics = new RemoteTopics("calls.", "workers.", "replies");
      broker.createTopics(3, topics.calls("test.Slow"), topics.replies());
      RemoteRestart.Outcome outcome =
          RemoteRestart.run(
              () -> KafkaTransport.open(broker.bootstrapServers(), 16),
              topics,
              () -> {
                try {
                  broker.restart();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      assertEquals("lost=0 duplicate_effects=0", outcome.ledger());
      assertEquals(100, outcome.completed());
      assertTrue(outcome.endedBeforeRestart() < 50, "mid-batch: " + outcome.endedBeforeRestart());
    }
  }
}
