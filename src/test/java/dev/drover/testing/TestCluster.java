package dev.drover.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drover.testing.Drover.Result;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** A project on disk with a free balancer port, driven through the packaged jar, and its cluster's views. */
public final class TestCluster {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public final Path project;
  public final int port;
  public final String secret;

  public TestCluster(Path tmp) {
    this.project = tmp.resolve("shop-" + UUID.randomUUID());
    this.port = Drover.freePort();
    this.secret = "s3cret-" + UUID.randomUUID();
    TestProject.in(project).settings(settings("", "")).secrets("[default]\nsecret_key = \"" + secret + "\"\n");
  }

  /** Three workers, short timeouts, rate limiting off, extra lines in [default] and [default.cluster]. */
  public String settings(String extraDefault, String extraCluster) {
    return """
        [default]
        %s
        [default.cluster]
        workers = 3
        timeout = "10s"
        graceful_timeout = "5s"
        %s
        [default.balancer]
        listen = "127.0.0.1:%d"
        [default.balancer.rate_limit]
        enabled = false
        """.formatted(extraDefault, extraCluster, port);
  }

  public void writeSettings(String text) throws Exception {
    Files.writeString(project.resolve("settings.toml"), text);
  }

  public Result drover(String... args) {
    return Drover.run(project, args);
  }

  public Result start() {
    Result r = drover("start", "-d");
    assertThat(r.code()).as(r.out()).isZero();
    return r;
  }

  /** Stops the cluster and asserts that no process of the project is left (killing any, so tests stay apart). */
  public void stopAndAssertNothingLeft() {
    drover("stop");
    List<ProcessHandle> left = Drover.processesMentioning(project.toString());
    Drover.killAllMentioning(project.toString());
    assertThat(left).as("processes left behind").isEmpty();
  }

  public JsonNode status() throws Exception {
    Result r = drover("status", "--json");
    assertThat(r.code()).as(r.out()).isZero();
    return JSON.readTree(r.out());
  }

  public Set<Long> pids() throws Exception {
    Set<Long> pids = new HashSet<>();
    status().path("workers").forEach(w -> pids.add(w.path("pid").asLong()));
    return pids;
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  public HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  public static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  /** Waits until exactly n workers are listed and all of them are ready. */
  public void awaitReady(int workers, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode s = status();
      long ready = 0;
      for (JsonNode w : s.path("workers")) {
        ready += w.path("state").asText().equals("ready") ? 1 : 0;
      }
      if (ready == workers && s.path("workers").size() == workers) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("not " + workers + " ready workers: " + status());
  }
}
