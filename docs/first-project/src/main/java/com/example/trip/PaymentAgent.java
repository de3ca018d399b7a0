package com.example.trip;

import dev.firebreak.annotations.Step;

public final class PaymentAgent {
  @Step
  public Booking charge(Room room) {
    return new Booking(room, 120);
  }
}
