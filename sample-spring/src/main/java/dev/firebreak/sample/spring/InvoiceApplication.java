package dev.firebreak.sample.spring;

import dev.firebreak.sample.invoice.FirebreakInvoiceWorkflow;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/**
 * The invoice case study on Spring Boot: the workflow and agents of the Dagger flavour, wired as
 * beans ({@link InvoiceAgents}), served over HTTP ({@link InvoiceController}), with the runtime,
 * its store, its resumption at start and its graceful shutdown all from the starter and {@code
 * application.properties}. The workflow lives in another module, outside this application's
 * packages, so its orchestrator is imported by name.
 */
@SpringBootApplication
@Import(FirebreakInvoiceWorkflow.class)
public class InvoiceApplication {
  public static void main(String[] args) {
    SpringApplication.run(InvoiceApplication.class, args);
  }
}
