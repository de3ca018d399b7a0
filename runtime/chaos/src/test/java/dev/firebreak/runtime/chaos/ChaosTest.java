package dev.firebreak.runtime.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.time.ManualScheduler;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FirebreakChaosExtension.class)
class ChaosTest {
  interface Ocr {
    String read(String scan) throws IOException;
  }

  private final Ocr real = scan -> "text of " + scan;

  @Test
  void failuresOutagesAndCorruptionApplyUntilCleared(Chaos chaos, ManualScheduler clock)
      throws Exception {
    Ocr ocr = chaos.wrap(Ocr.class, real);
    assertEquals("text of a", ocr.read("a"));
    chaos.on(Ocr.class).fail(() -> new IOException("503"));
    assertEquals("503", assertThrows(IOException.class, () -> ocr.read("a")).getMessage());
    chaos.on(Ocr.class).clear();
    chaos.on(Ocr.class).outage(Duration.ofMinutes(5));
    assertThrows(ServiceDownException.class, () -> ocr.read("a"));
    clock.advance(Duration.ofMinutes(5));
    assertEquals("text of a", ocr.read("a"), "the outage ended");
    chaos.on(Ocr.class).corrupt(args -> args[0].equals("b"), args -> new Object[] {"garbage"});
    assertEquals("text of a", ocr.read("a"));
    assertEquals("text of garbage", ocr.read("b"));
    chaos.clear();
    assertEquals("text of b", ocr.read("b"));
    assertEquals(7, chaos.on(Ocr.class).calls());
  }

  @Test
  void aDelayHoldsTheCallUntilTheClockPassesItOrTheCallerIsInterrupted(
      Chaos chaos, ManualScheduler clock) throws Exception {
    Ocr ocr = chaos.wrap(Ocr.class, real);
    chaos.on(Ocr.class).delay(Duration.ofSeconds(30));
    CompletableFuture<String> slow =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return ocr.read("a");
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    while (chaos.on(Ocr.class).hanging() == 0) {
      Thread.onSpinWait();
    }
    clock.advance(Duration.ofSeconds(29));
    assertTrue(!slow.isDone());
    clock.advance(Duration.ofSeconds(1));
    assertEquals("text of a", slow.get(10, TimeUnit.SECONDS));
  }

  @Test
  void onlyInterfacesAreWrapped(Chaos chaos) {
    assertThrows(IllegalArgumentException.class, () -> chaos.wrap(String.class, "x"));
  }
}
