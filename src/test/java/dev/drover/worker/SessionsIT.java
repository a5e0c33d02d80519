package dev.drover.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.testing.Drover;
import dev.drover.testing.TestCluster;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's session counter through the real balancer and five real workers: one count whichever worker answers. */
class SessionsIT {
  private static final String OLD_KEY = "old-0123456789abcdef0123456789abcdef-key";
  private static final String NEW_KEY = "new-0123456789abcdef0123456789abcdef-key";

  @TempDir
  Path tmp;
  TestCluster cluster;

  @BeforeEach
  void project() throws Exception {
    cluster = new TestCluster(tmp);
    cluster.writeSettings(cluster.settings("", "").replace("workers = 3", "workers = 5")
        .replace("[default.balancer]\n", "[default.balancer]\nstrategy = \"round_robin\"\n"));
    writeSecrets("secret_key = \"" + OLD_KEY + "\"\n");
  }

  @AfterEach
  void nothingLeftRunning() {
    cluster.stopAndAssertNothingLeft();
  }

  private void writeSecrets(String body) throws Exception {
    Path secrets = cluster.project.resolve(".secrets.toml");
    Files.writeString(secrets, "[default]\n" + body);
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void fiftyRequestsOverFiveWorkersKeepOneSessionCountAndRotationKeepsIt() throws Exception {
    cluster.start();
    cluster.awaitReady(5, Duration.ofSeconds(60));
    CookieManager jar = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    HttpClient browser = HttpClient.newBuilder().cookieHandler(jar).connectTimeout(Duration.ofSeconds(5)).build();

    Map<Integer, Integer> byWorker = new HashMap<>();
    for (int i = 1; i <= 50; i++) {
      JsonNode answer = visit(browser);
      assertThat(answer.path("session_visits").asLong()).as("visit " + i + ": " + answer).isEqualTo(i);
      byWorker.merge(answer.path("worker").asInt(), 1, Integer::sum);
    }
    assertThat(byWorker).as("answers per worker").hasSize(5);
    assertThat(byWorker.values()).allMatch(n -> n < 50);

    String cookie = jar.getCookieStore().getCookies().get(0).getValue();
    assertThat(cookie).doesNotContain(OLD_KEY);
    HttpResponse<String> page = browser.send(HttpRequest.newBuilder(cluster.uri("/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(page.body()).contains("You have made <strong>51</strong> visits", "This worker has counted")
        .doesNotContain(OLD_KEY);
    assertThat(page.headers().firstValue("Set-Cookie").orElseThrow()).contains("HttpOnly", "SameSite=Lax");

    // A new key, the old one kept as a fallback: the visitor's session survives the reload and is re-signed.
    writeSecrets("secret_key = \"" + NEW_KEY + "\"\nsecret_key_fallbacks = [\"" + OLD_KEY + "\"]\n");
    assertThat(cluster.drover("reload").code()).isZero();
    cluster.awaitReady(5, Duration.ofSeconds(60));
    assertThat(visit(browser).path("session_visits").asLong()).isEqualTo(52);
    String resigned = jar.getCookieStore().getCookies().get(0).getValue();
    assertThat(resigned).isNotEqualTo(cookie);

    // Without the fallback, only the re-signed cookie still counts.
    writeSecrets("secret_key = \"" + NEW_KEY + "\"\n");
    assertThat(cluster.drover("reload").code()).isZero();
    cluster.awaitReady(5, Duration.ofSeconds(60));
    assertThat(visit(browser).path("session_visits").asLong()).isEqualTo(53);

    String status = cluster.drover("status", "--json").out() + cluster.drover("config").out();
    String logs;
    try (Stream<Path> files = Files.walk(cluster.project.resolve(".drover"))) {
      StringBuilder all = new StringBuilder();
      for (Path f : files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".log")).toList()) {
        all.append(Files.readString(f));
      }
      logs = all.toString();
    }
    assertThat(logs).contains("worker 5 listening");
    for (String text : new String[] {status, logs}) {
      assertThat(text).doesNotContain(OLD_KEY).doesNotContain(NEW_KEY);
    }
  }

  @Test
  void aSecretKeyTooShortToSignIsAClearErrorAtStart() throws Exception {
    writeSecrets("secret_key = \"too-short-a-key\"\n");
    Drover.Result r = cluster.drover("start", "-d");
    assertThat(r.code()).isNotZero();
    assertThat(r.out()).contains("secret_key is 15 bytes: signed sessions need at least 32")
        .doesNotContain("too-short-a-key");
  }

  private JsonNode visit(HttpClient browser) throws Exception {
    HttpResponse<String> r = browser.send(HttpRequest.newBuilder(cluster.uri("/api/session")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return TestCluster.json(r.body());
  }
}
