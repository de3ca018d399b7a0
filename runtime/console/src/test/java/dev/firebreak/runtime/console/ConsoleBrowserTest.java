package dev.firebreak.runtime.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.WorkflowStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console's page in headless Chromium: the landing page, filters kept in the URL, a run's
 * timeline, replay and discard, and an action refused without the token.
 */
class ConsoleBrowserTest {
  private static final String TOKEN = "browser-token-0123456789";
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static ChromeDriver driver;

  @TempDir Path dir;
  private Fixture fixture;
  private FirebreakConsole console;
  private WebDriverWait wait;

  @BeforeEach
  void start() {
    Browser.assumeAvailable();
    fixture = new Fixture(dir);
    fixture.invoice("INV-1");
    fixture.invoice("INV-2");
    fixture.failingInvoice("INV-3");
    fixture.invoices.runForResult("INV-bad-4", "INV-bad-4");
    fixture.payroll.runForResult("PAY-1", "march");
    console = FirebreakConsole.builder(fixture.runtime).port(0).token(TOKEN).start();
    if (driver == null) {
      driver = Browser.start();
    }
    wait = new WebDriverWait(driver, Duration.ofSeconds(10));
    driver.get(console.url());
    // Each test starts without a token in this tab.
    driver.executeScript("sessionStorage.clear()");
    driver.get(console.url() + "#/");
  }

  @AfterEach
  void stop() {
    if (console != null) {
      console.close();
    }
    if (fixture != null) {
      fixture.close();
    }
  }

  @AfterAll
  static void quit() {
    if (driver != null) {
      driver.quit();
    }
  }

  private WebElement shown(String id) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
  }

  private void waitForText(String id, String text) {
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id(id), text));
  }

  @Test
  void theLandingPageShowsCountsAndTheLatestDeadLettersWithoutAClick() throws Exception {
    waitForText("count-FAILED", "2");
    assertTrue(shown("count-COMPLETED").getText().startsWith("3"));
    WebElement latest = shown("latest-letters");
    assertTrue(latest.getText().contains("INV-3"), latest.getText());
    assertTrue(latest.getText().contains("RETRIES_EXHAUSTED"), latest.getText());
    assertTrue(latest.getText().contains("STEP_FAILED"), latest.getText());
    assertEquals("2", shown("meter-firebreak-deadletters").getText());

    Path shot = Path.of("target", "screenshots", "console-overview.png");
    Files.createDirectories(shot.getParent());
    Files.write(shot, driver.getScreenshotAs(OutputType.BYTES));
    assertArrayEquals(PNG, Arrays.copyOf(Files.readAllBytes(shot), PNG.length));
  }

  @Test
  void aFilterIsKeptInTheUrlAndARunOpensOnItsTimeline() {
    shown("nav-runs").click();
    shown("filter-status-FAILED").click();
    shown("apply-filters").click();
    wait.until(ExpectedConditions.urlContains("status=FAILED"));
    waitForText("runs-table", "INV-3");
    String failed = shown("runs-table").getText();
    assertTrue(failed.contains("INV-bad-4"), failed);
    assertFalse(failed.contains("INV-1") || failed.contains("PAY-1"), failed);

    driver.navigate().refresh(); // the filter lives in the URL
    waitForText("runs-table", "INV-3");
    assertTrue(shown("filter-status-FAILED").isSelected());
    assertFalse(shown("runs-table").getText().contains("INV-1"));

    driver.findElement(By.linkText("INV-3")).click();
    waitForText("timeline", "ledger down");
    String timeline = shown("timeline").getText();
    assertTrue(timeline.contains("extract") && timeline.contains("SUCCEEDED"), timeline);
    assertEquals(3, timeline.split("java.io.IOException: ledger down", -1).length - 1, timeline);
    assertEquals("FAILED", shown("run-status").getText());
    assertTrue(shown("dead-letter").getText().contains("com.acme.LedgerAgent#post"));
  }

  @Test
  void anActionWithoutTheTokenIsRefusedAndNothingChanges() {
    shown("nav-dead-letters").click();
    shown("select-INV-bad-4").click();
    shown("discard-selected").click();
    wait.until(ExpectedConditions.alertIsPresent()).accept(); // "for good?" yes
    waitForText("error", "needs the console's token");
    assertEquals(2, fixture.runtime.deadLetters().size());
  }

  @Test
  void aReplayedDeadLetterCompletesBeforeYourEyesAndAnotherIsDiscarded() {
    shown("token").sendKeys(TOKEN);
    fixture.ledgerDown.remove("INV-3"); // the ledger is back
    driver.get(console.url() + "#/run/INV-3");
    waitForText("run-status", "FAILED");
    shown("replay").click();
    waitForText("run-status", "COMPLETED"); // the page follows the run until it ends
    assertEquals(
        WorkflowStatus.COMPLETED,
        fixture.runtime.runs().find("INV-3").orElseThrow().run().status());

    shown("nav-dead-letters").click();
    waitForText("letters-table", "INV-bad-4");
    assertFalse(shown("letters-table").getText().contains("INV-3"), "replayed: no longer a letter");
    shown("select-INV-bad-4").click();
    shown("discard-selected").click();
    var ask = wait.until(ExpectedConditions.alertIsPresent());
    assertTrue(ask.getText().contains("INV-bad-4"), ask.getText());
    ask.dismiss(); // not yet: nothing is discarded
    waitForText("action-result", "Nothing discarded.");
    assertEquals(1, fixture.runtime.deadLetters().size());
    shown("discard-selected").click();
    wait.until(ExpectedConditions.alertIsPresent()).accept();
    waitForText("action-result", "INV-bad-4: discarded");
    waitForText("letters-table", "No dead letters.");
    assertEquals(0, fixture.runtime.deadLetters().size());
    List<WebElement> reasons = driver.findElements(By.cssSelector("#reasons .card"));
    assertEquals(1, reasons.size(), "only 'all' is left");
  }
}
