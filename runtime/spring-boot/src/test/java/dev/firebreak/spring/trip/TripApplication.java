package dev.firebreak.spring.trip;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A Spring Boot application with Firebreak agents as components and nothing else to wire. */
@SpringBootApplication
public class TripApplication {}
