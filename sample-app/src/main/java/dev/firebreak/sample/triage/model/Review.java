package dev.firebreak.sample.triage.model;

/**
 * The reviewer model's verdict on a draft. {@link #NOT_REVIEWED} is what a ticket gets when the
 * reviewer cannot answer: the reply goes out marked for a human's look.
 */
public record Review(boolean approved, String comment) {
  public static final Review NOT_REVIEWED = new Review(false, "not reviewed: a human checks it");
}
