package dev.firebreak.sample.triage.model;

/** What the extractor model finds in a ticket: the order and the product it is about. */
public record Entities(String orderId, String product) {}
