package dev.firebreak.sample.spring;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.OverloadedException;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.sample.invoice.Batch;
import dev.firebreak.sample.invoice.InvoiceWorkflow;
import dev.firebreak.sample.invoice.model.AccountingEntry;
import dev.firebreak.sample.invoice.model.InvoiceFile;
import dev.firebreak.sample.invoice.services.FaultProfile;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /invoices} processes one invoice; {@code POST /invoices/batch?count=N} a generated
 * batch of the fault profile's invoices, all at once; {@code GET /invoices/{id}} reads a run back
 * from the store. The workflow is injected by its interface: the bean is the generated
 * orchestrator.
 */
@RestController
class InvoiceController {
  private final InvoiceWorkflow invoices;
  private final FirebreakRuntime runtime;
  private final FaultProfile faults;

  InvoiceController(InvoiceWorkflow invoices, FirebreakRuntime runtime, FaultProfile faults) {
    this.invoices = invoices;
    this.runtime = runtime;
    this.faults = faults;
  }

  @PostMapping("/invoices")
  CompletionStage<Map<String, Object>> process(@RequestBody InvoiceFile file) {
    return invoices.processAsync(file.id(), file).thenApply(InvoiceController::view);
  }

  @PostMapping("/invoices/batch")
  CompletableFuture<Map<String, Object>> batch(@RequestParam(defaultValue = "100") int count) {
    if (count < 1 || count > 10_000) {
      throw new IllegalArgumentException("count is 1 to 10000, not " + count);
    }
    List<CompletableFuture<WorkflowResult<AccountingEntry>>> runs = new ArrayList<>();
    for (InvoiceFile file : Batch.generate(faults, count)) {
      runs.add(invoices.processAsync(file.id(), file).toCompletableFuture());
    }
    return CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              Map<WorkflowStatus, Integer> byStatus = new EnumMap<>(WorkflowStatus.class);
              runs.forEach(r -> byStatus.merge(r.join().status(), 1, Integer::sum));
              Map<String, Object> view = new LinkedHashMap<>();
              view.put("invoices", count);
              view.put("byStatus", byStatus);
              return view;
            });
  }

  @GetMapping("/invoices/{id}")
  ResponseEntity<Map<String, Object>> find(@PathVariable String id) {
    return runtime
        .runs()
        .find(id)
        .map(
            details -> {
              Map<String, Object> view = new LinkedHashMap<>();
              view.put("invoiceId", id);
              view.put("status", details.run().status());
              view.put("checkpoints", details.checkpoints());
              view.put("attempts", details.attempts());
              return ResponseEntity.ok(view);
            })
        .orElse(ResponseEntity.notFound().build());
  }

  /** A bad request: 400 with the reason. */
  @ExceptionHandler(IllegalArgumentException.class)
  ResponseEntity<Map<String, String>> badRequest(IllegalArgumentException e) {
    return ResponseEntity.badRequest().body(Map.of("error", String.valueOf(e.getMessage())));
  }

  /** The runtime holds its maximum of runs in flight: 503, try again later. */
  @ExceptionHandler(OverloadedException.class)
  ResponseEntity<Map<String, String>> overloaded(OverloadedException e) {
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .body(Map.of("error", String.valueOf(e.getMessage())));
  }

  private static Map<String, Object> view(WorkflowResult<AccountingEntry> result) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("invoiceId", result.runId());
    view.put("status", result.status());
    view.put("entry", result.output());
    view.put("degraded", result.degradedSteps().stream().map(d -> d.step()).toList());
    view.put("failure", result.failure() == null ? null : result.failure().getMessage());
    return view;
  }
}
