package com.example.trip;

public record Room(String city, String number) {}
