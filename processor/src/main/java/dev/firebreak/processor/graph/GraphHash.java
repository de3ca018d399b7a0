package dev.firebreak.processor.graph;

import dev.firebreak.processor.model.EntryPointModel;
import dev.firebreak.processor.model.StepModel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A stable hash of a plan's shape: what a stored run's progress means. It covers step names,
 * bindings, edges, and whether outputs are checkpointed or compensated — not retry or timeout
 * tuning, which may change between a crash and a resume without invalidating checkpoints.
 */
public final class GraphHash {
  private GraphHash() {}

  static String of(
      String workflow,
      EntryPointModel entry,
      List<Integer> order,
      List<StepModel> steps,
      List<int[]> inputs,
      List<int[]> after,
      int outputSlot) {
    StringBuilder canonical = new StringBuilder("firebreak-plan/1\n");
    canonical.append(workflow).append('#').append(entry.method()).append('\n');
    entry.inputs().forEach(in -> canonical.append("in ").append(in.key()).append('\n'));
    for (int k = 0; k < order.size(); k++) {
      StepModel s = steps.get(order.get(k));
      canonical
          .append("step ")
          .append(s.name())
          .append(" produces ")
          .append(s.produces())
          .append(" from ")
          .append(Arrays.toString(inputs.get(k)))
          .append(" after ")
          .append(Arrays.toString(after.get(k)))
          .append(s.codec() != null ? " checkpointed" : "")
          .append(s.compensation() != null ? " compensated" : "")
          .append('\n');
    }
    canonical.append("out ").append(outputSlot).append('\n');
    return sha256(canonical.toString());
  }

  /** The first 32 hex digits of the SHA-256 of {@code text}. */
  public static String sha256(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
