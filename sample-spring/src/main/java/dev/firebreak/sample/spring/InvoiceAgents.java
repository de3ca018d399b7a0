package dev.firebreak.sample.spring;

import dev.firebreak.sample.invoice.agents.AccountingAgent;
import dev.firebreak.sample.invoice.agents.MatchingAgent;
import dev.firebreak.sample.invoice.agents.OcrAgent;
import dev.firebreak.sample.invoice.agents.ValidationAgent;
import dev.firebreak.sample.invoice.services.FaultProfile;
import dev.firebreak.sample.invoice.services.Ledger;
import dev.firebreak.sample.invoice.services.OcrClient;
import dev.firebreak.sample.invoice.services.PurchaseOrders;
import dev.firebreak.sample.invoice.services.SimulatedLedger;
import dev.firebreak.sample.invoice.services.SimulatedOcr;
import dev.firebreak.sample.invoice.services.SimulatedPurchaseOrders;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The case study's agents and the simulated services behind them, as beans: agents need no
 * annotation of Spring's, any bean will do. {@code invoice.faults} picks the simulated services'
 * behaviour: {@code case-study} (the default: slow scans, transient OCR and ledger errors, inexact
 * PO references) or {@code none}.
 */
@Configuration(proxyBeanMethods = false)
class InvoiceAgents {
  @Bean
  FaultProfile faultProfile(
      @Value("${invoice.faults:case-study}") String faults,
      @Value("${invoice.seed:42}") long seed) {
    return switch (faults) {
      case "case-study" -> FaultProfile.caseStudy(seed);
      case "none" -> FaultProfile.none(seed);
      default ->
          throw new IllegalArgumentException("invoice.faults is case-study or none, not " + faults);
    };
  }

  @Bean
  OcrClient ocr(FaultProfile faults) {
    return new SimulatedOcr(faults);
  }

  @Bean
  PurchaseOrders purchaseOrders() {
    return new SimulatedPurchaseOrders();
  }

  @Bean
  Ledger ledger(FaultProfile faults) {
    return new SimulatedLedger(faults);
  }

  @Bean
  OcrAgent ocrAgent(OcrClient ocr) {
    return new OcrAgent(ocr);
  }

  @Bean
  ValidationAgent validationAgent() {
    return new ValidationAgent();
  }

  @Bean
  MatchingAgent matchingAgent(PurchaseOrders purchaseOrders) {
    return new MatchingAgent(purchaseOrders);
  }

  @Bean
  AccountingAgent accountingAgent(Ledger ledger) {
    return new AccountingAgent(ledger);
  }
}
