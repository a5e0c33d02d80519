package dev.drover.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.drover.config.Secret;
import dev.drover.config.WorkerSpec;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppLoaderTest {
  @TempDir
  Path project;
  private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
  private final WorkerLog log = new WorkerLog(2, System.Logger.Level.INFO,
      new PrintStream(logged, true, StandardCharsets.UTF_8), Clock.systemUTC());

  /** An App whose handler keeps the context it was built with, so the test can look. */
  public static final class RecordingApp implements App {
    @Override
    public HttpHandler handler(AppContext ctx) {
      ctx.logger().log(System.Logger.Level.INFO, "booting with {0}", ctx.secret("secret_key").orElseThrow());
      return new ContextHandler(ctx);
    }
  }

  record ContextHandler(AppContext ctx) implements HttpHandler {
    @Override
    public void handleRequest(HttpServerExchange exchange) {
    }
  }

  public static final class SettingsHandler implements HttpHandler {
    final Map<String, Object> settings;

    public SettingsHandler(Map<String, Object> settings) {
      this.settings = settings;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
    }
  }

  public static final class PlainHandler implements HttpHandler {
    @Override
    public void handleRequest(HttpServerExchange exchange) {
    }
  }

  public static final class FailingHandler implements HttpHandler {
    public FailingHandler() {
      throw new IllegalStateException("database unreachable");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
    }
  }

  public static final class NotAnApp {
  }

  private WorkerSpec spec(String app, List<String> classpath) {
    return new WorkerSpec(2, 1, "127.0.0.1", 0, "staging", project.toString(), app, classpath, "public", "INFO", 1, 2,
        1000, Map.of("greeting", "hi", "db.pool", 5));
  }

  private HttpHandler load(String app) throws BootException {
    WorkerSecrets secrets = WorkerSecrets.parse(
        "{\"secrets\":{\"secret_key\":\"s3cr3t\",\"app_settings.db_password\":\"pw\"}}");
    return new AppLoader(spec(app, List.of()), secrets, log, 99).load();
  }

  @Test
  void anAppGetsItsContextAndRunsBlocking() throws Exception {
    HttpHandler handler = load(RecordingApp.class.getName());

    AppContext ctx = ((ContextHandler) appOf(handler)).ctx();
    assertThat(ctx.workerId()).isEqualTo(2);
    assertThat(ctx.env()).isEqualTo("staging");
    assertThat(ctx.settings()).containsEntry("greeting", "hi").containsEntry("db.pool", 5).hasSize(2);
    assertThat(ctx.secret("secret_key")).contains(new Secret("s3cr3t"));
    assertThat(ctx.secret("db_password")).contains(new Secret("pw"));
    assertThat(ctx.secret("app_settings.db_password")).contains(new Secret("pw"));
    assertThat(ctx.secret("nope")).isEmpty();
    assertThat(logged.toString(StandardCharsets.UTF_8)).contains("booting with ********").doesNotContain("s3cr3t");
  }

  @Test
  void aPlainHandlerGetsSettingsAndSecretsAsText() throws Exception {
    SettingsHandler app = (SettingsHandler) appOf(load(SettingsHandler.class.getName()));

    assertThat(app.settings).containsEntry("greeting", "hi").containsEntry("secret_key", "s3cr3t")
        .containsEntry("db_password", "pw").containsEntry("db.pool", 5);
  }

  @Test
  void aPlainHandlerWithoutSettingsUsesItsNoArgConstructor() throws Exception {
    assertThat(appOf(load(PlainHandler.class.getName()))).isInstanceOf(PlainHandler.class);
  }

  @Test
  void aCustomAppRunsBlockingWithItsOwnClassLoader() throws Exception {
    ClassLoader before = Thread.currentThread().getContextClassLoader();
    HttpHandler served = load(PlainHandler.class.getName());

    assertThat(served).isInstanceOf(BlockingHandler.class);
    AppLoader.AppClassLoaderHandler withLoader =
        (AppLoader.AppClassLoaderHandler) ((BlockingHandler) served).getHandler();
    assertThat(withLoader.loader()).isInstanceOf(java.net.URLClassLoader.class);
    assertThat(withLoader.loader().getParent()).isSameAs(AppLoader.class.getClassLoader());
    assertThat(Thread.currentThread().getContextClassLoader()).as("restored after loading").isSameAs(before);
  }

  /** The app's own handler inside the wrappers the loader adds. */
  private static HttpHandler appOf(HttpHandler served) {
    return ((AppLoader.AppClassLoaderHandler) ((BlockingHandler) served).getHandler()).app();
  }

  @Test
  void builtInApps() throws Exception {
    WorkerSecrets none = WorkerSecrets.parse("{\"secrets\":{}}");
    assertThat(new AppLoader(spec("demo", List.of()), none, log, 99).load()).isInstanceOf(DemoApp.class);
    WorkerSecrets strong = WorkerSecrets.parse("{\"secrets\":{\"secret_key\":\"" + "k".repeat(32) + "\"}}");
    assertThat(new AppLoader(spec("demo", List.of()), strong, log, 99).load())
        .as("the demo counts visits in a session").isNotInstanceOf(DemoApp.class);
    assertThatThrownBy(() -> load("static")).isInstanceOf(BootException.class).hasMessageContaining("static root");
  }

  @Test
  void theDemoRefusesASecretKeyTooWeakToSignSessions() {
    assertThatThrownBy(() -> load("demo")).isInstanceOf(BootException.class)
        .hasMessage("secret_key is 6 bytes: signed sessions need at least 32 (make one with: drover secret)");
  }

  @Test
  void everyWayAnAppCannotStartIsABootError() {
    assertThatThrownBy(() -> load("com.example.Missing")).isInstanceOf(BootException.class)
        .hasMessage("app class com.example.Missing not found in app_classpath []");
    assertThatThrownBy(() -> load(NotAnApp.class.getName())).isInstanceOf(BootException.class)
        .hasMessageContaining("is neither a dev.drover.worker.App nor an io.undertow.server.HttpHandler");
    assertThatThrownBy(() -> load(FailingHandler.class.getName())).isInstanceOf(BootException.class)
        .hasMessageContaining("failed in its constructor: java.lang.IllegalStateException: database unreachable");
    assertThatThrownBy(() -> load("")).isInstanceOf(BootException.class).hasMessageContaining("no app is set");
    assertThatThrownBy(() -> new AppLoader(spec("x.Y", List.of("lib/app.jar")), WorkerSecrets.none(), log, 1).load())
        .isInstanceOf(BootException.class).hasMessageContaining("app_classpath entry lib/app.jar not found");
  }
}
