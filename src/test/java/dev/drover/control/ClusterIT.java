package dev.drover.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.testing.Drover;
import dev.drover.testing.Drover.Result;
import dev.drover.testing.Load;
import dev.drover.testing.TestCluster;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real cluster: the packaged jar's supervisor, real worker JVMs, real sockets on 127.0.0.1. */
class ClusterIT {

  @TempDir
  Path tmp;
  TestCluster cluster;
  Path project;
  int port;
  String secret;

  @BeforeEach
  void project() {
    cluster = new TestCluster(tmp);
    project = cluster.project;
    port = cluster.port;
    secret = cluster.secret;
  }

  @AfterEach
  void nothingLeftRunning() {
    cluster.stopAndAssertNothingLeft();
  }

  private String settings(String extraDefault) {
    return cluster.settings(extraDefault, "");
  }

  private Result start() {
    return cluster.start();
  }

  private JsonNode status() throws Exception {
    return cluster.status();
  }

  private Set<Long> pids() throws Exception {
    return cluster.pids();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return cluster.get(path);
  }

  private void awaitReady(int workers, Duration timeout) throws Exception {
    cluster.awaitReady(workers, timeout);
  }

  @Test
  void startServesThroughEveryWorkerAndStopLeavesNothing() throws Exception {
    Result started = start();
    assertThat(started.out()).contains("workers ready 3/3").contains("http://127.0.0.1:" + port);

    JsonNode s = status();
    assertThat(s.path("state").asText()).isEqualTo("running");
    assertThat(s.path("env").asText()).isEqualTo("development");
    assertThat(s.path("listen").asText()).isEqualTo("127.0.0.1:" + port);
    assertThat(s.path("workers")).hasSize(3);
    for (JsonNode w : s.path("workers")) {
      assertThat(w.path("state").asText()).isEqualTo("ready");
      assertThat(w.path("pid").asLong()).isPositive();
      assertThat(w.path("port").asInt()).isPositive();
      assertThat(w.path("rss_bytes").asLong()).isPositive();
      assertThat(w.has("restarts") && w.has("requests")).isTrue();
    }
    Set<Long> served = new HashSet<>();
    for (int i = 0; i < 12; i++) {
      HttpResponse<String> r = get("/api/info");
      assertThat(r.statusCode()).isEqualTo(200);
      served.add(TestCluster.json(r.body()).path("pid").asLong());
    }
    assertThat(served).as("requests rotate through every worker").isEqualTo(pids());

    Result table = Drover.run(project, "status");
    assertThat(table.out()).contains("ID").contains("STATE").contains("ready").contains("MB");
    assertThat(Drover.run(project, "logs", "-n", "50").out()).contains("INFO supervisor: starting 3 workers");
    assertThat(Drover.run(project, "logs", "1", "-n", "50").out()).contains("worker 1 listening on");

    Result stopped = Drover.run(project, "stop");
    assertThat(stopped.code()).as(stopped.out()).isZero();
    assertThat(Drover.processesMentioning(project.toString())).isEmpty();
    Result notRunning = Drover.run(project, "status");
    assertThat(notRunning.code()).isEqualTo(3);
    assertThat(notRunning.out()).contains("not running");
  }

  @Test
  void killingAWorkerUnderLoadFailsNoRequestAndTheWorkerComesBack() throws Exception {
    start();
    JsonNode victim = status().path("workers").get(1);
    try (Load load = Load.start(URI.create("http://127.0.0.1:" + port + "/api/info"), 4)) {
      load.awaitMore(300, Duration.ofSeconds(20));
      ProcessHandle.of(victim.path("pid").asLong()).orElseThrow().destroyForcibly();
      awaitReady(3, Duration.ofSeconds(30));
      load.awaitMore(300, Duration.ofSeconds(20));
      load.close();
      assertThat(load.failures()).as("failed requests").isEmpty();
      assertThat(load.ok()).isGreaterThan(600);
    }
    JsonNode back = status().path("workers").get(1);
    assertThat(back.path("pid").asLong()).isNotEqualTo(victim.path("pid").asLong());
    assertThat(back.path("restarts").asInt()).isEqualTo(1);
    assertThat(back.path("last_exit").asText()).isEqualTo("killed (SIGKILL)");
    Set<Integer> served = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      served.add(TestCluster.json(get("/api/info").body()).path("worker").asInt());
    }
    assertThat(served).as("the restarted worker is routed to again").contains(back.path("id").asInt());
  }

  @Test
  void twoReloadsUnderLoadFailNoRequestAndReplaceEveryPid() throws Exception {
    start();
    Set<Long> before = pids();
    try (Load load = Load.start(URI.create("http://127.0.0.1:" + port + "/api/info"), 4)) {
      load.awaitMore(200, Duration.ofSeconds(20));
      Result first = Drover.run(project, "reload");
      assertThat(first.code()).as(first.out()).isZero();
      assertThat(first.out()).contains("reloaded: generation 2, 3 workers ready");
      load.awaitMore(200, Duration.ofSeconds(20));
      Result second = Drover.run(project, "reload");
      assertThat(second.code()).as(second.out()).isZero();
      assertThat(second.out()).contains("reloaded: generation 3");
      load.awaitMore(200, Duration.ofSeconds(20));
      load.close();
      assertThat(load.failures()).as("failed requests").isEmpty();
    }
    Set<Long> after = pids();
    assertThat(after).hasSize(3).doesNotContainAnyElementsOf(before);
    assertThat(status().path("generation").asInt()).isEqualTo(3);
  }

  @Test
  void invalidReloadLeavesTheClusterUntouched() throws Exception {
    start();
    Set<Long> before = pids();
    Files.writeString(project.resolve("settings.toml"), settings("").replace("workers = 3", "workers = 3\nworkerz = 4"));
    Result reload = Drover.run(project, "reload");
    assertThat(reload.code()).isEqualTo(1);
    assertThat(reload.out()).contains("settings.toml:5:1 [default.cluster] unknown key 'workerz' (did you mean 'workers'?)");
    assertThat(pids()).isEqualTo(before);
    assertThat(status().path("state").asText()).isEqualTo("running");
    assertThat(get("/api/info").statusCode()).isEqualTo(200);
  }

  @Test
  void reloadPlanSaysWhatAppliesHow() throws Exception {
    start();
    Files.writeString(project.resolve("settings.toml"), settings("log_level = \"DEBUG\"")
        .replace("listen = \"127.0.0.1:" + port + "\"", "listen = \"127.0.0.1:" + Drover.freePort() + "\""));
    Result dry = Drover.run(project, "reload", "--dry-run");
    assertThat(dry.code()).as(dry.out()).isZero();
    assertThat(dry.out()).contains("new workers apply: log_level")
        .contains("needs a full restart (drover stop && drover start), not applied: balancer.listen")
        .contains("dry run");
    assertThat(status().path("generation").asInt()).isEqualTo(1);
  }

  @Test
  void killedSupervisorTakesItsWorkersAlongAndTheNextStartWorks() throws Exception {
    start();
    long supervisor = status().path("pid").asLong();
    assertThat(Drover.processesMentioning(project.toString())).hasSize(4);
    ProcessHandle.of(supervisor).orElseThrow().destroyForcibly();
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (!Drover.processesMentioning(project.toString()).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(Drover.processesMentioning(project.toString())).as("workers 2 s after kill -9 of the supervisor").isEmpty();
    assertThat(Drover.run(project, "status").code()).isEqualTo(3);
    start();
    assertThat(get("/api/info").statusCode()).isEqualTo(200);
  }

  @Test
  void secondStartIsRefusedAndTheFirstClusterIsUntouched() throws Exception {
    start();
    Set<Long> before = pids();
    Result again = Drover.run(project, "start", "-d");
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.out()).contains("drover is already running for " + project.toAbsolutePath());
    Result foreground = Drover.run(project, "start");
    assertThat(foreground.code()).isEqualTo(1);
    assertThat(foreground.out()).contains("already running");
    assertThat(pids()).isEqualTo(before);
  }

  @Test
  void theSecretIsInNoProcessCommandLineOrEnvironment() throws Exception {
    start();
    List<ProcessHandle> processes = Drover.processesMentioning(project.toString());
    assertThat(processes).hasSize(4);
    for (ProcessHandle p : processes) {
      Path proc = Path.of("/proc", Long.toString(p.pid()));
      assertThat(Drover.read(proc.resolve("cmdline"))).contains(project.toString()).doesNotContain(secret);
      assertThat(Drover.read(proc.resolve("environ"))).doesNotContain(secret);
    }
    try (Stream<Path> files = Files.walk(project.resolve(".drover"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        // bytes as Latin-1: .drover/ holds binary files too (the jar's private copy, class-data archives)
        assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1)).as(f.toString())
            .doesNotContain(secret);
      }
    }
  }

  @Test
  void bootErrorIsReportedBeforeTheBalancerOpensAndNothingIsLeft() throws Exception {
    // A class that exists but is no app: only the worker finds that out, as it boots.
    Files.writeString(project.resolve("settings.toml"), settings("app = \"java.lang.String\""));
    Result r = Drover.run(project, "start", "-d");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("boot error").contains("java.lang.String");
    assertThat(Drover.processesMentioning(project.toString())).isEmpty();
    assertThat(Drover.run(project, "status").code()).isEqualTo(3);
  }

  @Test
  void theDockerRuntimeWithoutItsImageIsRefusedNotIgnored() throws Exception {
    Files.writeString(project.resolve("settings.toml"), cluster.settings("", "runtime = \"docker\""));
    Result r = Drover.run(project, "start", "-d");
    assertThat(r.code()).isEqualTo(1);
    // With a daemon the project's image is missing (never built); without one, the daemon is. Both refuse at once.
    assertThat(r.out()).containsPattern("not found on \\S+ \\(cluster.runtime = \"docker\"\\): run 'drover image build'"
        + "|cannot reach the Docker daemon at ");
    assertThat(Drover.processesMentioning(project.toString())).isEmpty();
  }

  @Test
  void scaleGrowsAndShrinksLive() throws Exception {
    start();
    Result up = Drover.run(project, "scale", "4");
    assertThat(up.code()).as(up.out()).isZero();
    assertThat(up.out()).contains("scaled to 4 workers");
    awaitReady(4, Duration.ofSeconds(30));
    Result down = Drover.run(project, "scale", "2");
    assertThat(down.code()).as(down.out()).isZero();
    awaitReady(2, Duration.ofSeconds(30));
    assertThat(Drover.processesMentioning(project.toString())).hasSize(3);
  }

  @Test
  void customAppFromTheJavaExampleServesThroughTheBalancer() throws Exception {
    Path example = Path.of("examples", "java-app").toAbsolutePath();
    List<Path> sources;
    try (Stream<Path> walk = Files.walk(example.resolve("src"))) {
      sources = walk.filter(p -> p.toString().endsWith(".java")).toList();
    }
    Path classes = project.resolve("target/classes");
    Files.createDirectories(classes);
    List<String> args = new java.util.ArrayList<>(List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path")));
    sources.forEach(p -> args.add(p.toString()));
    assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new))).isZero();
    String exampleSettings = Files.readString(example.resolve("settings.toml"));
    String app = exampleSettings.lines().filter(l -> l.startsWith("app = ")).findFirst().orElseThrow();
    Files.writeString(project.resolve("settings.toml"), settings(app + "\napp_classpath = [\"target/classes\"]"));
    start();
    HttpResponse<String> r = get("/");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("secret_key: set").doesNotContain(secret);
  }
}
