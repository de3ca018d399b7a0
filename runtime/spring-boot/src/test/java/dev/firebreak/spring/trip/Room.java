package dev.firebreak.spring.trip;

public record Room(String city, String number) {}
