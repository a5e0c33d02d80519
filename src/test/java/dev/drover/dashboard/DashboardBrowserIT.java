package dev.drover.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drover.testing.Drover;
import dev.drover.testing.Peers;
import dev.drover.testing.TestCluster;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser: Debian's chromium driven by its chromedriver through Selenium, against a real
 * five-worker cluster. Saves screenshots under target/ for the README.
 */
class DashboardBrowserIT {
  private static final String TOKEN = DashboardIT.TOKEN;

  @TempDir
  Path tmp;
  TestCluster cluster;
  int admin;
  Path chromium;
  Path chromedriver;

  @BeforeEach
  void project() throws Exception {
    chromium = Peers.require("chromium", "chromium");
    chromedriver = Peers.require("chromedriver", "chromium-driver");
    cluster = new TestCluster(tmp);
    admin = Drover.freePort();
    // A route limit that a steady trickle overruns, so the rejections chart has something to show.
    cluster.writeSettings(DashboardIT.withAdmin(cluster, admin, 5).replace("enabled = false", """
        enabled = true
        default = "100000/minute"
        [[default.balancer.rate_limit.routes]]
        path = "/api/info"
        limit = "4/second"
        burst = 4
        """));
    DashboardIT.writeSecrets(cluster, TOKEN);
  }

  @AfterEach
  void nothingLeftRunning() {
    if (cluster != null) {
      cluster.stopAndAssertNothingLeft();
    }
  }

  @Test
  void showsTheClusterLiveSeesAKilledWorkerComeBackAndReloadsOnlyWithTheToken() throws Exception {
    cluster.start();
    cluster.awaitReady(5, Duration.ofSeconds(90));
    Path profile = Files.createDirectory(tmp.resolve("chromium-profile"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,1500",
        "--user-data-dir=" + profile);
    AtomicBoolean trafficOn = new AtomicBoolean(true);
    Thread traffic = traffic(trafficOn);
    ChromeDriver browser = null;
    try {
      browser = new ChromeDriver(service, options);
      browser.get("http://127.0.0.1:" + admin + "/");
      WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
      wait.until(ExpectedConditions.textToBe(By.id("ready"), "5/5"));
      assertThat(browser.findElements(By.cssSelector("#workers tbody tr[data-state='ready']"))).hasSize(5);
      assertThat(browser.findElement(By.id("generation")).getText()).isEqualTo("1");
      assertThat(browser.findElement(By.id("env")).getText()).isEqualTo("development");

      // kill -9 one worker: within 2 s the page shows it restarted and why the old one went.
      // The rows are rebuilt every second: read them in one script, never through a found element that may go stale.
      long pid = ((Number) browser.executeScript(
          "return Number(document.querySelector(\"#workers tbody tr[data-id='3']\").dataset.pid)")).longValue();
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      long killed = System.nanoTime();
      new WebDriverWait(browser, Duration.ofSeconds(2)).until(d -> Boolean.TRUE.equals(((ChromeDriver) d).executeScript(
          "const c = document.querySelector(\"#workers tbody tr[data-id='3'] td.restarts\");"
              + " return !!c && c.textContent === '1' && document.getElementById('events').textContent.includes(arguments[0]);",
          "pid " + pid + ", ")));
      System.out.printf("dashboard showed worker 3's restart %d ms after kill -9%n", (System.nanoTime() - killed) / 1_000_000);
      assertThat(browser.findElement(By.id("events")).getText()).contains("exited unexpectedly: killed (SIGKILL)");
      new WebDriverWait(browser, Duration.ofSeconds(60)).until(ExpectedConditions.numberOfElementsToBe(
          By.cssSelector("#workers tbody tr[data-state='ready']"), 5));

      // Without the token, an action is refused and says so.
      browser.findElement(By.id("reload")).click();
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "refused (401)"));
      assertThat(browser.findElement(By.id("plan")).isDisplayed()).isFalse();
      assertThat(cluster.status().path("generation").asInt()).isEqualTo(1);

      // With the token: the plan first, then the reload, and the generation moves on.
      browser.findElement(By.id("token")).sendKeys(TOKEN);
      browser.findElement(By.id("token-save")).click();
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("token-state"), "token set"));
      browser.findElement(By.id("reload")).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("plan")));
      assertThat(browser.findElement(By.id("plan-lines")).getText()).contains("replaced by generation 2");
      assertThat(browser.manage().getCookies()).as("the token is never a cookie").isEmpty();
      browser.findElement(By.id("reload-confirm")).click();
      new WebDriverWait(browser, Duration.ofMinutes(3)).until(ExpectedConditions.textToBe(By.id("generation"), "2"));
      new WebDriverWait(browser, Duration.ofMinutes(1)).until(
          ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "Reloaded: generation 2"));
      assertThat(cluster.status().path("generation").asInt()).isEqualTo(2);
      new WebDriverWait(browser, Duration.ofSeconds(60)).until(ExpectedConditions.numberOfElementsToBe(
          By.cssSelector("#workers tbody tr[data-state='ready']"), 5));
      assertThat(browser.getPageSource()).doesNotContain(TOKEN).doesNotContain(cluster.secret);

      screenshots(browser);
    } finally {
      trafficOn.set(false);
      if (browser != null) {
        browser.quit();
      }
      service.stop();
      traffic.join(10_000);
    }
    assertThat(Drover.processesMentioning(profile.toString())).as("browser processes left").isEmpty();
  }

  /** Light, dark (by the emulated preference, as a browser set to dark asks for it) and a phone's width. */
  private void screenshots(ChromeDriver browser) throws Exception {
    Path target = Path.of("target");
    save(browser, target.resolve("dashboard-light.png"));
    browser.executeCdpCommand("Emulation.setEmulatedMedia",
        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
    assertThat(browser.executeScript("return matchMedia('(prefers-color-scheme: dark)').matches")).isEqualTo(true);
    save(browser, target.resolve("dashboard-dark.png"));
    browser.manage().window().setSize(new Dimension(400, 1800));
    Object overflow = browser.executeScript("return document.documentElement.scrollWidth > window.innerWidth");
    assertThat(overflow).as("no sideways scrolling of the page on a phone").isEqualTo(false);
    save(browser, target.resolve("dashboard-phone.png"));
  }

  private static void save(ChromeDriver browser, Path to) throws Exception {
    File shot = browser.getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), to, StandardCopyOption.REPLACE_EXISTING);
    System.out.println("screenshot: " + to.toAbsolutePath());
  }

  /**
   * About thirty requests a second for the charts, in a loop that stops when told or after three minutes: slow
   * answers of varied latency, a few 404s, and more /api/info than its route limit lets through.
   */
  private Thread traffic(AtomicBoolean on) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    Thread t = new Thread(() -> {
      for (int i = 0; on.get() && System.nanoTime() < deadline; i++) {
        int ms = ThreadLocalRandom.current().nextInt(2, 40);
        String path = i % 10 == 0 ? "/missing" : i % 3 == 0 ? "/api/info" : "/api/slow?ms=" + ms;
        try {
          client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.port + path))
              .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
          Thread.sleep(25); // pacing, not synchronization: the rate the charts draw
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          // a refused or cut request during a reload is part of what the charts show
        }
      }
    }, "dashboard-traffic");
    t.setDaemon(true);
    t.start();
    return t;
  }

}
