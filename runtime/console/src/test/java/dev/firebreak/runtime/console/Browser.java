package dev.firebreak.runtime.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium through Debian's chromedriver ({@code .ci/install-chromium.sh}
 * installs both), never through Selenium Manager: the driver's path is given, so Selenium does not
 * look for one. Without them a developer's run reports the browser tests skipped; with {@code
 * FIREBREAK_BROWSER_REQUIRED=1} (as {@code .ci/run} sets) it fails them instead.
 */
final class Browser {
  static final Path CHROMIUM = Path.of(System.getProperty("browser.chromium", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER =
      Path.of(System.getProperty("browser.chromedriver", "/usr/bin/chromedriver"));

  // Without a selenium-devtools jar of Chromium's version Selenium warns at each start; plain
  // WebDriver needs none. Kept in a field so that its level holds.
  private static final Logger CDP =
      Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

  static {
    CDP.setLevel(Level.SEVERE);
  }

  private Browser() {}

  /** Skips the calling test without a browser, or fails it where one is required. */
  static void assumeAvailable() {
    if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
      return;
    }
    String missing =
        "the browser tests need "
            + CHROMIUM
            + " and "
            + CHROMEDRIVER
            + " (Debian's chromium and chromium-driver: bash .ci/install-chromium.sh)";
    if ("1".equals(System.getenv("FIREBREAK_BROWSER_REQUIRED"))) {
      Assertions.fail(missing);
    }
    Assumptions.abort(missing);
  }

  /** A fresh headless session; the caller quits it. */
  static ChromeDriver start() {
    System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
    // What Chromium writes (profile, crash database) stays under target/, not in /tmp or ~.
    Path work = Path.of("target", "chromium").toAbsolutePath();
    try {
      Files.createDirectories(work.resolve("tmp"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .withLogFile(work.resolve("chromedriver.log").toFile())
            .withTimeout(Duration.ofSeconds(30))
            .withEnvironment(
                Map.of(
                    "TMPDIR", work.resolve("tmp").toString(),
                    "XDG_CONFIG_HOME", work.resolve("config").toString(),
                    "XDG_CACHE_HOME", work.resolve("cache").toString()))
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        List.of(
            "--headless=new",
            "--no-sandbox", // root in a container: the sandbox cannot start
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--disable-crash-reporter",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--window-size=1280,860",
            "--force-device-scale-factor=1",
            "--lang=en-US"));
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    return driver;
  }
}
