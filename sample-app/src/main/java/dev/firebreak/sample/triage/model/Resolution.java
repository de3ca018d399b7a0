package dev.firebreak.sample.triage.model;

/** A triaged ticket: the queue it goes to, the reply drafted and its review. */
public record Resolution(
    String ticketId,
    Classification classification,
    Entities entities,
    Draft draft,
    Review review) {}
