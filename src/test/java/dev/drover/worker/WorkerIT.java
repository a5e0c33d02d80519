package dev.drover.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts real worker JVMs the way the supervisor does and talks to them over sockets. */
class WorkerIT {
  private static final String HANDLER_SOURCE = """
      package shop;

      import io.undertow.server.HttpHandler;
      import io.undertow.server.HttpServerExchange;
      import java.security.MessageDigest;
      import java.nio.charset.StandardCharsets;
      import java.util.HexFormat;
      import java.util.Map;

      public class EchoHandler implements HttpHandler {
        private final String reply;

        public EchoHandler(Map<String, Object> settings) throws Exception {
          String key = (String) settings.get("secret_key");
          byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
          reply = "greeting=" + settings.get("greeting") + " key=" + HexFormat.of().formatHex(hash);
        }

        @Override
        public void handleRequest(HttpServerExchange exchange) {
          exchange.getResponseSender().send(reply + " blocking=" + exchange.isBlocking()
              + " io=" + exchange.isInIoThread()
              + " tccl=" + (Thread.currentThread().getContextClassLoader() == getClass().getClassLoader()));
        }
      }
      """;
  private static final String APP_SOURCE = """
      package shop;

      import dev.drover.config.Secret;
      import dev.drover.worker.App;
      import dev.drover.worker.AppContext;
      import io.undertow.server.HttpHandler;
      import java.nio.charset.StandardCharsets;
      import java.security.MessageDigest;
      import java.util.HexFormat;

      public class ShopApp implements App {
        @Override
        public HttpHandler handler(AppContext ctx) throws Exception {
          Secret key = ctx.secret("secret_key").orElseThrow();
          ctx.logger().log(System.Logger.Level.INFO, "shop starting with key {0}", key);
          byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.reveal().getBytes(StandardCharsets.UTF_8));
          String reply = "worker=" + ctx.workerId() + " env=" + ctx.env() + " greeting=" + ctx.settings().get("greeting")
              + " db=" + ctx.secret("db_password").map(Secret::reveal).orElse("none").length()
              + " key=" + HexFormat.of().formatHex(hash);
          return exchange -> exchange.getResponseSender().send(reply);
        }
      }
      """;
  private static final String BROKEN_SOURCE = """
      package shop;

      public class Broken implements io.undertow.server.HttpHandler {
        public Broken() {
          throw new IllegalStateException("cannot reach the database");
        }

        @Override
        public void handleRequest(io.undertow.server.HttpServerExchange exchange) {
        }
      }
      """;

  /** Says on standard output (the worker's log) when a request has arrived, then takes 1.5 s to answer. */
  private static final String HELD_SOURCE = """
      package shop;

      public class Held implements io.undertow.server.HttpHandler {
        @Override
        public void handleRequest(io.undertow.server.HttpServerExchange exchange) throws Exception {
          if (exchange.isInIoThread()) {
            exchange.dispatch(this);
            return;
          }
          System.out.println("held request arrived");
          System.out.flush();
          Thread.sleep(1500);
          exchange.getResponseSender().send("held 1500 ms");
        }
      }
      """;

  @TempDir
  static Path compiled;
  @TempDir
  Path project;
  private final List<LaunchedWorker> started = new ArrayList<>();
  private final String secretKey = "sk-" + UUID.randomUUID();
  private final String dbPassword = "pw-" + UUID.randomUUID();

  /** Compiles the custom apps once: EchoHandler and Broken as a class folder, ShopApp packed in a jar. */
  @BeforeAll
  static void compileApps() throws Exception {
    Path src = Files.createDirectories(compiled.resolve("src/shop"));
    Files.writeString(src.resolve("EchoHandler.java"), HANDLER_SOURCE);
    Files.writeString(src.resolve("ShopApp.java"), APP_SOURCE);
    Files.writeString(src.resolve("Broken.java"), BROKEN_SOURCE);
    Files.writeString(src.resolve("Held.java"), HELD_SOURCE);
    Path classes = Files.createDirectories(compiled.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
        src.resolve("EchoHandler.java").toString(), src.resolve("ShopApp.java").toString(),
        src.resolve("Broken.java").toString(), src.resolve("Held.java").toString());
    assertThat(rc).as("compiling the test apps").isZero();
    Path shopClass = classes.resolve("shop/ShopApp.class");
    try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(compiled.resolve("shop.jar")))) {
      jar.putNextEntry(new JarEntry("shop/ShopApp.class"));
      jar.write(Files.readAllBytes(shopClass));
      jar.closeEntry();
    }
    Files.delete(shopClass);
  }

  @AfterEach
  void destroyEveryWorker() throws Exception {
    for (LaunchedWorker w : started) {
      w.process.destroyForcibly();
      assertThat(w.process.waitFor(10, TimeUnit.SECONDS)).as("worker %d ended", w.pid()).isTrue();
    }
    for (LaunchedWorker w : started) {
      assertThat(ProcessHandle.of(w.pid()).map(ProcessHandle::isAlive)).as("pid %d left alive", w.pid())
          .isNotEqualTo(java.util.Optional.of(true));
    }
    assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive)).as("child processes left").isEmpty();
  }

  private LaunchedWorker launch(String app, List<String> classpath, Map<String, Object> settings) throws Exception {
    LaunchedWorker w = LaunchedWorker.start(project,
        LaunchedWorker.spec(project, LaunchedWorker.freePort(), app, classpath, settings), secretsLine());
    started.add(w);
    return w;
  }

  private String secretsLine() {
    return "{\"secrets\": {\"secret_key\": \"" + secretKey + "\", \"app_settings.db_password\": \"" + dbPassword + "\"}}";
  }

  @Test
  void demoAnswersInfoCountsVisitsAndSleepsWithoutHoldingThreads() throws Exception {
    LaunchedWorker w = launch("demo", List.of(), Map.of()).awaitReady();

    TestHttp.Response info = TestHttp.get(w.port, "/api/info");
    TestHttp.Response again = TestHttp.get(w.port, "/api/info");
    assertThat(info.status()).isEqualTo(200);
    assertThat(info.body()).startsWith("{\"worker\":1,\"pid\":" + w.pid() + ",\"visits\":")
        .endsWith(",\"env\":\"development\"}");
    assertThat(visits(again.body())).isEqualTo(visits(info.body()) + 1);
    assertThat(TestHttp.get(w.port, "/").body()).contains("Hello from worker 1", "Process " + w.pid());
    assertThat(TestHttp.get(w.port, "/missing").status()).isEqualTo(404);
    assertThat(w.log()).contains("worker 1 listening on http://127.0.0.1:" + w.port + " (pid " + w.pid() + ", app demo)");

    long start = System.nanoTime();
    TestHttp.Response slow = TestHttp.get(w.port, "/api/slow?ms=400");
    assertThat(millisSince(start)).isGreaterThanOrEqualTo(400);
    assertThat(slow.body()).isEqualTo("{\"slept_ms\":400,\"worker\":1}");
    assertThat(TestHttp.get(w.port, "/api/slow?ms=10001").status()).isEqualTo(400);

    // 100 requests of 300 ms against 1 IO and 2 worker threads: held threads would need 15 s or more.
    ExecutorService clients = Executors.newFixedThreadPool(100);
    try {
      start = System.nanoTime();
      List<Future<TestHttp.Response>> all = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        all.add(clients.submit(() -> TestHttp.get(w.port, "/api/slow?ms=300")));
      }
      for (Future<TestHttp.Response> f : all) {
        assertThat(f.get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
      }
      assertThat(millisSince(start)).as("100 concurrent slow requests").isBetween(300L, 4_000L);
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void staticServesTheRootAndNothingOutsideIt() throws Exception {
    StaticAppTest.makeSite(project);
    LaunchedWorker w = launch("static", List.of(), Map.of()).awaitReady();

    TestHttp.Response home = TestHttp.get(w.port, "/");
    assertThat(home.status()).isEqualTo(200);
    assertThat(home.body()).isEqualTo("<h1>home</h1>");
    assertThat(home.header("ETag")).isNotBlank();
    assertThat(TestHttp.request(w.port, "GET", "/", Map.of("If-None-Match", home.header("ETag"))).status())
        .isEqualTo(304);
    for (String path : StaticAppTest.escapes()) {
      TestHttp.Response r = TestHttp.get(w.port, path);
      assertThat(r.status()).as(path).isIn(400, 403, 404);
      assertThat(r.body()).as(path).doesNotContain(StaticAppTest.OUTSIDE);
    }
  }

  @Test
  void aCustomHandlerGetsSettingsAndSecretsFromStdinOnly() throws Exception {
    copyCompiled();
    LaunchedWorker w = launch("shop.EchoHandler", List.of("classes"), Map.of("greeting", "hello")).awaitReady();

    TestHttp.Response r = TestHttp.get(w.port, "/anything");

    assertThat(r.body()).isEqualTo("greeting=hello key=" + sha256(secretKey) + " blocking=true io=false tccl=true");
    assertSecretsNotExposed(w);
  }

  @Test
  void anAppGetsItsContextFromAJar() throws Exception {
    copyCompiled();
    LaunchedWorker w = launch("shop.ShopApp", List.of("lib/shop.jar"), Map.of("greeting", "hey")).awaitReady();

    TestHttp.Response r = TestHttp.get(w.port, "/");

    assertThat(r.body()).isEqualTo("worker=1 env=development greeting=hey db=" + dbPassword.length()
        + " key=" + sha256(secretKey));
    assertThat(w.log()).contains("INFO worker-1: shop starting with key ********");
    assertSecretsNotExposed(w);
  }

  @Test
  void bootErrorsExitWith3AndSayWhy() throws Exception {
    copyCompiled();
    assertBootError(launch("shop.Missing", List.of("classes"), Map.of()),
        "boot error: app class shop.Missing not found in app_classpath [classes]");
    assertBootError(launch("shop.Broken", List.of("classes"), Map.of()),
        "boot error: app class shop.Broken failed in its constructor: java.lang.IllegalStateException: "
            + "cannot reach the database");
    assertBootError(launch("static", List.of(), Map.of()), "boot error: static root " + project.resolve("public"));
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      LaunchedWorker w = LaunchedWorker.start(project,
          LaunchedWorker.spec(project, taken.getLocalPort(), "demo", List.of(), Map.of()), secretsLine());
      started.add(w);
      assertBootError(w, "boot error: cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void closingStdinEndsTheWorkerWithinTwoSeconds() throws Exception {
    LaunchedWorker w = launch("demo", List.of(), Map.of()).awaitReady();

    long start = System.nanoTime();
    w.closeStdin();

    assertThat(w.process.waitFor(2, TimeUnit.SECONDS)).as("gone within 2 s of the pipe closing").isTrue();
    assertThat(millisSince(start)).isLessThan(2_000);
    assertThat(w.log()).contains("standard input closed: the supervisor is gone");
  }

  @Test
  void sigtermLetsTheRequestInFlightFinishThenExits0() throws Exception {
    copyCompiled();
    LaunchedWorker w = launch("shop.Held", List.of("classes"), Map.of()).awaitReady();
    CompletableFuture<TestHttp.Response> held = CompletableFuture.supplyAsync(() -> get(w.port, "/"));
    awaitLog(w, "held request arrived");

    // SIGTERM only: Process.destroy() would also close stdin, which the worker reads as "supervisor gone".
    w.process.toHandle().destroy();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    int health = TestHttp.get(w.port, HealthHandler.PATH).status();
    while (health != 503 && System.nanoTime() < deadline) {
      health = TestHttp.get(w.port, HealthHandler.PATH).status();
    }

    assertThat(health).as("draining: new requests are refused").isEqualTo(503);
    assertThat(held).as("the request in flight is still being answered").isNotDone();
    TestHttp.Response done = held.get(10, TimeUnit.SECONDS);
    assertThat(done.status()).isEqualTo(200);
    assertThat(done.body()).isEqualTo("held 1500 ms");
    assertThat(w.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(w.process.exitValue()).isZero();
    assertThat(w.log()).contains("stopping: finishing requests in flight", "INFO worker-1: stopped");
  }

  /** Waits (up to 10 s) for the worker's log to say {@code text}. */
  private static void awaitLog(LaunchedWorker w, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!w.log().contains(text)) {
      assertThat(System.nanoTime()).as("the worker's log says \"" + text + "\"").isLessThan(deadline);
      TimeUnit.MILLISECONDS.sleep(10); // a file another process writes: looked at again until the deadline
    }
  }

  private void assertBootError(LaunchedWorker w, String line) throws Exception {
    assertThat(w.process.waitFor(30, TimeUnit.SECONDS)).as("boot error ends the worker").isTrue();
    assertThat(w.process.exitValue()).isEqualTo(WorkerMain.BOOT_ERROR);
    List<String> lines = Files.readAllLines(w.log);
    assertThat(lines.stream().filter(l -> l.startsWith("boot error: "))).as(w.log()).hasSize(1)
        .allMatch(l -> l.startsWith(line), line);
    Files.delete(w.log); // the next launch in this project starts a fresh log
  }

  /** The secrets reached the process, but through neither its command line nor its environment. */
  private void assertSecretsNotExposed(LaunchedWorker w) throws IOException {
    for (String file : List.of("cmdline", "environ")) {
      String content = new String(Files.readAllBytes(Path.of("/proc", Long.toString(w.pid()), file)),
          StandardCharsets.ISO_8859_1);
      assertThat(content).as(file).isNotEmpty().doesNotContain(secretKey).doesNotContain(dbPassword);
    }
    assertThat(w.log()).doesNotContain(secretKey).doesNotContain(dbPassword);
    try (Stream<Path> files = Files.walk(project.resolve(".drover"))) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        assertThat(Files.readString(f)).as(f.toString()).doesNotContain(secretKey).doesNotContain(dbPassword);
      }
    }
  }

  private void copyCompiled() throws IOException {
    Path classes = Files.createDirectories(project.resolve("classes/shop"));
    for (String name : List.of("EchoHandler.class", "Broken.class", "Held.class")) {
      Files.copy(compiled.resolve("classes/shop").resolve(name), classes.resolve(name));
    }
    Files.createDirectories(project.resolve("lib"));
    Files.copy(compiled.resolve("shop.jar"), project.resolve("lib/shop.jar"));
  }

  private static long visits(String json) {
    return Long.parseLong(json.replaceAll(".*\"visits\":(\\d+).*", "$1"));
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private static TestHttp.Response get(int port, String path) {
    try {
      return TestHttp.get(port, path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }
}
