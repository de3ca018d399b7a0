package dev.firebreak.sample.triage.model;

/** The support policy a reply must follow, by the ticket's category and priority. */
public record Policy(String name, String rule) {}
