package com.example.trip;

public record Booking(Room room, int priceEuros) {}
