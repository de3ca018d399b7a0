package dev.firebreak.sample.triage.model;

/** What a ticket is about and how urgent it is, as the classifier model answers. */
public record Classification(Category category, Priority priority) {
  /** The queues the support team has. */
  public enum Category {
    BILLING,
    DELIVERY,
    TECHNICAL,
    ACCOUNT
  }

  /** How soon the customer must hear back. */
  public enum Priority {
    LOW,
    NORMAL,
    HIGH
  }
}
