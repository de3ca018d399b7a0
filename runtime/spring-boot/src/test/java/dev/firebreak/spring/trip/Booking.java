package dev.firebreak.spring.trip;

public record Booking(Room room, int priceEuros) {}
