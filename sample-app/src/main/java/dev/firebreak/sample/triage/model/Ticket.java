package dev.firebreak.sample.triage.model;

/** A customer's support ticket, as it arrives. */
public record Ticket(String id, String customer, String text) {}
