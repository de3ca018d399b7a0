package dev.firebreak.runtime.remote;

import java.util.Objects;

/**
 * Where remote steps' calls and replies travel: each remotable agent's calls on a topic of its own,
 * {@code callsPrefix + agent} (the agent's qualified class name), read by its workers as the group
 * {@code workersGroupPrefix + agent}; every reply on {@code replies}, which each orchestrator node
 * listens to. Both sides must agree.
 */
public record RemoteTopics(String callsPrefix, String workersGroupPrefix, String replies) {
  /**
   * {@code firebreak.calls.<agent>}, group {@code firebreak-workers.<agent>}, {@code
   * firebreak.replies}.
   */
  public static final RemoteTopics DEFAULT =
      new RemoteTopics("firebreak.calls.", "firebreak-workers.", "firebreak.replies");

  public RemoteTopics {
    Objects.requireNonNull(callsPrefix, "callsPrefix");
    Objects.requireNonNull(workersGroupPrefix, "workersGroupPrefix");
    Objects.requireNonNull(replies, "replies");
  }

  /** The topic of {@code agent}'s calls. */
  public String calls(String agent) {
    return callsPrefix + agent;
  }

  /** The group {@code agent}'s workers share its calls in. */
  public String workers(String agent) {
    return workersGroupPrefix + agent;
  }
}
