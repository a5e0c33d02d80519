package dev.drover.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drover.config.Config;
import dev.drover.config.SecretGenerator;
import dev.drover.config.SettingsLoader;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import java.io.IOException;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed examples and the java template stay loadable, compilable and working. */
class ExamplesTest {
  private static final Path EXAMPLES = Path.of("examples");
  private static final String HANDLER = "example.HelloHandler";

  @TempDir
  Path tmp;

  private final List<URLClassLoader> loaders = new ArrayList<>();

  @AfterEach
  void closeLoaders() throws IOException {
    for (URLClassLoader loader : loaders) {
      loader.close();
    }
  }

  @Test
  void everyExampleLoadsInEveryEnvironmentItDefines() throws IOException {
    List<Path> examples;
    try (Stream<Path> list = Files.list(EXAMPLES)) {
      examples = list.filter(Files::isDirectory).sorted().toList();
    }
    assertThat(examples).extracting(p -> p.getFileName().toString()).contains("hello", "java-app");

    for (Path example : examples) {
      assertThat(example.resolve("README.md")).as(example + " has a README").isRegularFile();
      SettingsLoader loader = new SettingsLoader(example, Map.of());
      Set<String> envs = new LinkedHashSet<>(loader.environments());
      assertThat(envs).as(example + " environments").contains("development", "production");
      for (String env : envs) {
        Config config = loader.load(env);
        assertThat(config.warnings()).as(example + " in " + env).isEmpty();
        assertThat(config.env()).isEqualTo(env);
      }
    }
  }

  @Test
  void javaExampleCompilesAndAnswersWithAndWithoutASecret() throws Exception {
    Path example = EXAMPLES.resolve("java-app");
    Path classes = compile(example.resolve("src/main/java"));
    Map<String, Object> settings = appSettings(new SettingsLoader(example, Map.of()).load("development"));
    assertThat(settings).doesNotContainKey("secret_key");

    String withoutSecret = get(handler(classes, settings), "/");
    assertThat(withoutSecret).startsWith("200\nHello from drover\n").contains("secret_key: not set").doesNotContain("hmac");

    String secret = new SecretGenerator(new SecureRandom()).hex(SecretGenerator.DEFAULT_BYTES);
    settings.put("secret_key", secret);
    String withSecret = get(handler(classes, settings), "/orders");
    assertThat(withSecret).startsWith("200\nHello from drover\n")
        .contains("path: /orders", "secret_key: set (48 chars)", "hmac-sha256(path): " + hmac(secret, "/orders"))
        .doesNotContain(secret);
  }

  @Test
  void javaTemplateCompilesAndAnswersWithItsSecret() throws Exception {
    Path project = tmp.resolve("shop");
    new ProjectScaffold(new TemplateSource(null), new SecretGenerator(new SecureRandom())).create(project, "java", false);
    Path classes = compile(project.resolve("src/main/java"));
    Config config = new SettingsLoader(project, Map.of()).load("development");
    String secret = config.settings().secretKey().reveal();
    assertThat(secret).hasSize(48);
    // As a worker does: the app's settings and the revealed secrets, all as plain strings.
    Map<String, Object> settings = appSettings(config);
    config.settings().secrets().forEach((path, value) -> settings.put(path, value.reveal()));
    HttpHandler handler = handler(classes, settings);

    assertThat(get(handler, "/")).startsWith("200\nHello from drover\n")
        .contains("path: /", "secret_key: set (48 chars)", "hmac-sha256(path): " + hmac(secret, "/"))
        .doesNotContain(secret);
    assertThat(post(handler, "/")).startsWith("405\n");
  }

  /** Compiles a source tree against Undertow, as Maven would with the pom's provided dependency. */
  private Path compile(Path sourceRoot) throws IOException, URISyntaxException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac).as("the tests run on a JDK").isNotNull();
    List<Path> sources;
    try (Stream<Path> walk = Files.walk(sourceRoot)) {
      sources = walk.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertThat(sources).isNotEmpty();
    List<String> classpath = new ArrayList<>();
    for (Class<?> type : List.of(HttpHandler.class, org.xnio.XnioWorker.class)) {
      classpath.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
    }
    Path out = Files.createTempDirectory(tmp, "classes");
    StringWriter diagnostics = new StringWriter();
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
      List<String> options = List.of("--release", "17", "-Xlint:all", "-classpath",
          String.join(java.io.File.pathSeparator, classpath), "-d", out.toString());
      boolean ok = javac.getTask(diagnostics, files, null, options, null, files.getJavaFileObjectsFromPaths(sources)).call();
      assertThat(ok).as("javac: " + diagnostics).isTrue();
    }
    return out;
  }

  private HttpHandler handler(Path classes, Map<String, Object> settings) throws Exception {
    // Closed after the test, not here: the handler's classes load lazily while it serves requests.
    URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
    loaders.add(loader);
    Class<?> type = loader.loadClass(HANDLER);
    assertThat(type.getClassLoader()).isSameAs(loader);
    return (HttpHandler) type.getConstructor(Map.class).newInstance(settings);
  }

  private static String get(HttpHandler handler, String path) throws Exception {
    return call(handler, path, HttpRequest.BodyPublishers.noBody(), "GET");
  }

  private static String post(HttpHandler handler, String path) throws Exception {
    return call(handler, path, HttpRequest.BodyPublishers.ofString("x"), "POST");
  }

  /** One request to the handler behind a real Undertow listener on a free loopback port: "status\nbody". */
  private static String call(HttpHandler handler, String path, HttpRequest.BodyPublisher body, String method) throws Exception {
    Undertow server = Undertow.builder()
        .setIoThreads(1)
        .setWorkerThreads(1)
        .addHttpListener(0, "127.0.0.1")
        .setHandler(handler)
        .build();
    server.start();
    try {
      int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(10))
          .method(method, body)
          .build();
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      return response.statusCode() + "\n" + response.body();
    } finally {
      server.stop();
    }
  }

  private static Map<String, Object> appSettings(Config config) {
    return config.settings().appSettings().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue()), (a, b) -> a, HashMap::new));
  }

  private static String hmac(String key, String text) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
  }
}
