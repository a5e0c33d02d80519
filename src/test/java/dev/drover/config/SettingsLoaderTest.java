package dev.drover.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.drover.testing.TestProject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsLoaderTest {
  @TempDir
  Path dir;

  private Config load(String env, Map<String, String> environment) {
    return new SettingsLoader(dir, environment).load(env);
  }

  private ConfigException problems(String env, Map<String, String> environment) {
    return (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> load(env, environment));
  }

  @Test
  void defaultsForEveryKeyWhenTheFileIsEmpty() {
    TestProject.in(dir).settings("[default]\n");
    Settings s = load("development", Map.of()).settings();
    assertThat(s.app()).isEqualTo("demo");
    assertThat(s.cluster().workers()).isEqualTo(Workers.AUTO);
    assertThat(s.cluster().timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.balancer().listen()).isEqualTo(HostPort.parse("127.0.0.1:8000"));
    assertThat(s.balancer().maxBody()).isEqualTo(DataSize.parse("10MB"));
    assertThat(s.balancer().rateLimit().defaultLimit()).isEqualTo(Rate.parse("200/minute"));
    assertThat(s.secretKey().isEmpty()).isTrue();
  }

  @Test
  void environmentTablesDeepMergeOverDefaultKeyByKey() {
    TestProject.in(dir).settings("""
        [default]
        log_level = "DEBUG"
        [default.balancer]
        listen = "127.0.0.1:9000"
        max_concurrent = 50
        [production.balancer]
        listen = "0.0.0.0:8000"
        """);
    Settings dev = load("development", Map.of()).settings();
    Settings prod = load("production", Map.of()).settings();
    assertThat(dev.balancer().listen().port()).isEqualTo(9000);
    assertThat(prod.balancer().listen()).isEqualTo(HostPort.parse("0.0.0.0:8000"));
    // The [production.balancer] table replaced one key, not the whole [default.balancer] table.
    assertThat(prod.balancer().maxConcurrent()).isEqualTo(50);
    assertThat(prod.logLevel()).isEqualTo("DEBUG");
  }

  @Test
  void secretsFileMergesOnTopAndEnvVariablesOverrideLast() {
    TestProject.in(dir)
        .settings("[default.cluster]\nworkers = 2\n[production.cluster]\nworkers = 4\n")
        .secrets("[default]\nsecret_key = \"s3cr3t-value\"\n[production.cluster]\nworkers = 6\n");
    Config prod = load("production", Map.of());
    assertThat(prod.settings().cluster().workers().fixed()).isEqualTo(6);
    assertThat(prod.entries().get("cluster.workers").origin()).hasToString(".secrets.toml:4");
    assertThat(prod.settings().secretKey().reveal()).isEqualTo("s3cr3t-value");

    Config overridden = load("production", Map.of("DROVER_CLUSTER__WORKERS", "3",
        "DROVER_BALANCER__LISTEN", "0.0.0.0:8080", "DROVER_BALANCER__RATE_LIMIT__ENABLED", "false"));
    assertThat(overridden.settings().cluster().workers().fixed()).isEqualTo(3);
    assertThat(overridden.settings().balancer().listen()).isEqualTo(HostPort.parse("0.0.0.0:8080"));
    assertThat(overridden.settings().balancer().rateLimit().enabled()).isFalse();
    assertThat(overridden.entries().get("cluster.workers").origin()).hasToString("env DROVER_CLUSTER__WORKERS");
  }

  @Test
  void envVariablesAreConvertedByTheDeclaredTypeNotGuessed() {
    TestProject.in(dir).settings("[default]\n");
    // "123" stays a string for a string key, and a list key splits on commas.
    Settings s = load("development", Map.of("DROVER_APP", "123",
        "DROVER_BALANCER__TRUSTED_PROXIES", "10.0.0.0/8, 192.168.0.0/16",
        "DROVER_CLUSTER__JVM_OPTIONS", "[\"-Xmx64m\", \"-Dx=a,b\"]")).settings();
    assertThat(s.app()).isEqualTo("123");
    assertThat(s.balancer().trustedProxies()).containsExactly("10.0.0.0/8", "192.168.0.0/16");
    assertThat(s.cluster().jvmOptions()).containsExactly("-Xmx64m", "-Dx=a,b");
  }

  @Test
  void originTellsDefaultFileLineOrVariable() {
    TestProject.in(dir).settings("[default]\n\napp = \"static\"\n");
    Config c = load("development", Map.of("DROVER_LOG_LEVEL", "WARN"));
    assertThat(c.entries().get("app").origin()).hasToString("settings.toml:3");
    assertThat(c.entries().get("log_level").origin()).hasToString("env DROVER_LOG_LEVEL");
    assertThat(c.entries().get("cluster.timeout").origin()).hasToString("built-in default");
  }

  @Test
  void unknownKeyNamesFileLineColumnTableAndSuggestion() {
    TestProject.in(dir).settings("[default]\napp = \"demo\"\n\n[default.balancer]\nlisen = \"x\"\n");
    assertThat(problems("development", Map.of()).problems())
        .containsExactly("settings.toml:5:1 [default.balancer] unknown key 'lisen' (did you mean 'listen'?)");
  }

  @Test
  void unknownTableIsReportedWithSuggestion() {
    TestProject.in(dir).settings("[default.balancr]\nlisten = \"127.0.0.1:1\"\n");
    assertThat(problems("development", Map.of()).problems())
        .containsExactly("settings.toml:1:1 [default] unknown key 'balancr' (did you mean 'balancer'?)");
  }

  @Test
  void everyProblemIsReportedAtOnceInLineOrder() {
    TestProject.in(dir).settings("""
        [default.cluster]
        timeout = 30
        workers = "many"
        [default.balancer]
        max_body = "huge"
        listen = "nowhere"
        strategy = "random"
        [default.balancer.rate_limit]
        default = "lots"
        """);
    assertThat(problems("development", Map.of()).problems()).containsExactly(
        "settings.toml:2 [default.cluster].timeout must be a duration such as \"500ms\", \"30s\" or \"2m\", got 30",
        "settings.toml:3 [default.cluster].workers must be \"auto\" or an integer from 1 to 1024, got \"many\"",
        "settings.toml:5 [default.balancer].max_body must be a size such as \"512KB\" or \"10MB\", got \"huge\"",
        "settings.toml:6 [default.balancer].listen must be host:port such as \"127.0.0.1:8000\", got \"nowhere\"",
        "settings.toml:7 [default.balancer].strategy must be one of round_robin, least_connections, got \"random\"",
        "settings.toml:9 [default.balancer.rate_limit].default must be a rate such as \"200/minute\" or \"10/second\", got \"lots\"");
  }

  @Test
  void otherEnvironmentsAreCheckedToo() {
    TestProject.in(dir).settings("[default]\n[production.cluster]\nbase_port = 70000\n");
    assertThat(problems("development", Map.of()).problems()).containsExactly(
        "settings.toml:3 [production.cluster].base_port must be an integer from 0 to 65535, got 70000");
  }

  @Test
  void syntaxErrorGivesLineColumnAndNoStackTrace() {
    TestProject.in(dir).settings("[default]\napp = \"demo\n");
    ConfigException e = problems("development", Map.of());
    assertThat(e.problems()).hasSize(1);
    assertThat(e.problems().get(0)).startsWith("settings.toml:2:").contains("syntax error:");
  }

  @Test
  void topLevelKeyOutsideAnEnvironmentTable() {
    TestProject.in(dir).settings("app = \"demo\"\n");
    assertThat(problems("development", Map.of()).problems()).containsExactly(
        "settings.toml:1:1 top-level key 'app' must be inside an environment table such as [default]");
  }

  @Test
  void badEnvVariablesNameTheVariable() {
    TestProject.in(dir).settings("[default]\n");
    assertThat(problems("development", Map.of("DROVER_CLUSTER__WORKERS", "many",
        "DROVER_BALANCER__LISEN", "x")).problems()).containsExactly(
        "environment variable DROVER_BALANCER__LISEN matches no setting (did you mean DROVER_BALANCER__LISTEN?)",
        "environment variable DROVER_CLUSTER__WORKERS: cluster.workers must be \"auto\" or an integer from 1 to 1024, got \"many\"");
  }

  @Test
  void theLaunchersOwnVariablesAreNotSettings() {
    TestProject.in(dir).settings("[default]\napp = \"demo\"\n");
    Map<String, String> env = Map.of("DROVER_JAVA", "/usr/lib/jvm/java-21/bin/java", "DROVER_CLI_CACHE", "off",
        "DROVER_ENV", "development");
    assertThat(new SettingsLoader(dir, env).load("development").warnings()).isEmpty();
  }

  @Test
  void secretsAreMaskedInErrors() {
    TestProject.in(dir).settings("[default]\n").secrets("[default]\nsecret_key = 12345678\n");
    assertThat(problems("development", Map.of()).problems()).containsExactly(
        ".secrets.toml:2 [default].secret_key must be a string, got ********");
    assertThat(problems("development", Map.of("DROVER_APP_SETTINGS__X", "y", "DROVER_SECRET_KEY", "z")).getMessage())
        .doesNotContain("12345678");
  }

  @Test
  void missingSettingsFileIsAClearError() {
    assertThatThrownBy(() -> load("development", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("settings.toml not found in " + dir);
  }

  @Test
  void unknownEnvironmentIsAnErrorWithSuggestion() {
    TestProject.in(dir).settings("[default]\n[production]\n");
    assertThat(problems("prodution", Map.of()).problems()).containsExactly(
        "environment 'prodution' has no [prodution] table in settings.toml (environments: production)"
            + " (did you mean 'production'?)");
  }

  @Test
  void routeRulesAreReadAndCheckedOneByOne() {
    TestProject.in(dir).settings("""
        [default.balancer.rate_limit]
        default = "20/second"
        [[default.balancer.rate_limit.routes]]
        path = "/login"
        method = "post"
        limit = "10/second"
        [[default.balancer.rate_limit.routes]]
        path = "/api/*"
        limit = "100/minute"
        burst = 20
        """);
    var routes = load("development", Map.of()).settings().balancer().rateLimit().routes();
    assertThat(routes).containsExactly(
        new RouteRule("/login", "POST", Rate.parse("10/second"), 0),
        new RouteRule("/api/*", "", Rate.parse("100/minute"), 20));
    assertThat(routes.get(0).matches("POST", "/login")).isTrue();
    assertThat(routes.get(0).matches("GET", "/login")).isFalse();
    assertThat(routes.get(1).matches("GET", "/api/users")).isTrue();

    TestProject.in(dir).settings("""
        [[default.balancer.rate_limit.routes]]
        path = "login"
        limt = "10/second"
        """);
    assertThat(problems("development", Map.of()).problems()).containsExactly(
        "settings.toml:1 [default.balancer.rate_limit.routes][1] needs 'limit', a rate such as \"10/second\"",
        "settings.toml:2 [default.balancer.rate_limit.routes][1].path must be a path such as \"/login\" or a prefix such as \"/api/*\", got \"login\"",
        "settings.toml:3:1 [default.balancer.rate_limit.routes][1] unknown key 'limt' (did you mean 'limit'?)");
  }

  @Test
  void appSettingsAreFreeFormAndTheirSecretsStaySecret() {
    TestProject.in(dir)
        .settings("[default.app_settings]\ngreeting = \"hi\"\n[default.app_settings.db]\nhost = \"db.local\"\n")
        .secrets("[default.app_settings]\ndb_password = \"pw-123\"\n");
    Settings s = load("development", Map.of()).settings();
    assertThat(s.appSettings()).containsEntry("greeting", "hi").containsEntry("db.host", "db.local")
        .doesNotContainKey("db_password");
    assertThat(s.secrets().get("app_settings.db_password").reveal()).isEqualTo("pw-123");
  }

  @Test
  void readableSecretsFileWarnsAndIsRefusedInProduction() {
    TestProject.in(dir).settings("[default]\n[production]\n")
        .write(".secrets.toml", "[default]\nsecret_key = \"x\"\n", "rw-r--r--");
    assertThat(load("development", Map.of()).warnings()).containsExactly(
        "warning: .secrets.toml is readable by group or others (rw-r--r--); run: chmod 600 .secrets.toml");
    assertThat(problems("production", Map.of()).problems()).containsExactly(
        ".secrets.toml is readable by group or others (rw-r--r--); run: chmod 600 .secrets.toml (refused in production)");
  }

  @Test
  void activeEnvironmentFromOptionThenVariableThenDevelopment() {
    assertThat(SettingsLoader.activeEnv("staging", Map.of("DROVER_ENV", "production"))).isEqualTo("staging");
    assertThat(SettingsLoader.activeEnv(null, Map.of("DROVER_ENV", "production"))).isEqualTo("production");
    assertThat(SettingsLoader.activeEnv(null, Map.of())).isEqualTo("development");
  }
}
