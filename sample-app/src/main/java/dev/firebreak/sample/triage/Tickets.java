package dev.firebreak.sample.triage;

import dev.firebreak.sample.triage.model.Ticket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A seeded inbox of support tickets: the same seed gives the same tickets. */
final class Tickets {
  private static final String[] CUSTOMERS = {
    "Ana Silva", "Ben Okafor", "Chloe Martin", "Dev Patel", "Eva Novak", "Femi Adeyemi", "Gus Weber"
  };
  private static final String[] PRODUCTS = {
    "router", "smart plug", "thermostat", "camera", "doorbell", "subscription"
  };
  private static final String[] TEMPLATES = {
    "I was charged twice for my %s on order %s. Please refund the second payment.",
    "My %s from order %s has not arrived yet, the tracking page says delivered.",
    "I cannot log in to my account since I changed my password; I need to set up my %s.",
    "The %s I bought (order %s) keeps dropping the connection every few minutes.",
    "The invoice for my %s shows the wrong address, order %s.",
    "The parcel with my %s arrived damaged, order %s.",
  };
  private static final String[] URGENCY = {"", "", " It is urgent, I need it today.", " No rush."};

  private Tickets() {}

  static List<Ticket> inbox(int count, long seed) {
    Random random = new Random(seed);
    List<Ticket> tickets = new ArrayList<>(count);
    for (int i = 1; i <= count; i++) {
      String product = PRODUCTS[random.nextInt(PRODUCTS.length)];
      String order = String.format("A-%05d", random.nextInt(100_000));
      String text =
          String.format(TEMPLATES[random.nextInt(TEMPLATES.length)], product, order)
              + URGENCY[random.nextInt(URGENCY.length)];
      tickets.add(
          new Ticket(
              String.format("T-%05d", i), CUSTOMERS[random.nextInt(CUSTOMERS.length)], text));
    }
    return tickets;
  }
}
