package dev.firebreak.sample.triage.model;

/** A reply to the customer as the writer model drafted it; {@code model} names who answered. */
public record Draft(String ticketId, String reply, String model) {}
