package dev.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drover.config.Key;
import dev.drover.config.Schema;
import dev.drover.testing.TestProject;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code config check} owns every check {@code start} makes: for every key of the schema, a value start would
 * refuse or crash on fails the check, naming the key and its file:line.
 */
class ConfigCheckTest {
  /** A value of each key that must be refused, as a TOML literal. */
  private static final Map<String, String> BAD = Map.ofEntries(
      Map.entry("app", "\"com.example.Missing\""),
      Map.entry("app_classpath", "[\"target/classes\"]"),
      Map.entry("secret_key", "\"too-short-to-sign\""),
      Map.entry("secret_key_fallbacks", "[\"old-and-short\"]"),
      Map.entry("log_level", "\"LOUD\""),
      Map.entry("cluster.workers", "10000"),
      Map.entry("cluster.runtime", "\"podman\""),
      Map.entry("docker.memory", "\"a lot\""),
      Map.entry("docker.cpus", "\"two\""),
      Map.entry("kubernetes.replicas", "0"),
      Map.entry("kubernetes.cpu_request", "\"half a core\""),
      Map.entry("kubernetes.memory_request", "\"512 MB\""),
      Map.entry("kubernetes.cpu_limit", "\"1 cpu\""),
      Map.entry("kubernetes.memory_limit", "\"1gb\""),
      Map.entry("kubernetes.hpa_max_replicas", "-1"),
      Map.entry("kubernetes.hpa_cpu_percent", "0"),
      Map.entry("cluster.base_port", "65535"),
      Map.entry("cluster.timeout", "\"soon\""),
      Map.entry("cluster.graceful_timeout", "\"-1s\""),
      Map.entry("cluster.max_requests", "3000000000"),
      Map.entry("cluster.max_requests_jitter", "-1"),
      Map.entry("cluster.max_memory", "\"lots\""),
      Map.entry("cluster.threads", "0"),
      Map.entry("cluster.jvm_options", "[1, 2]"),
      Map.entry("balancer.listen", "\"nonsense\""),
      Map.entry("balancer.strategy", "\"random\""),
      Map.entry("balancer.max_concurrent", "0"),
      Map.entry("balancer.queue", "-5"),
      Map.entry("balancer.max_connections_per_ip", "2000000"),
      Map.entry("balancer.max_body", "\"10 parsecs\""),
      Map.entry("balancer.max_header_size", "12"),
      Map.entry("balancer.read_timeout", "\"forever\""),
      Map.entry("balancer.idle_timeout", "60"),
      Map.entry("balancer.upstream_timeout", "true"),
      Map.entry("balancer.trusted_proxies", "[\"10.0.0.0/99\"]"),
      Map.entry("balancer.access_log_format", "\"xml\""),
      Map.entry("balancer.admin_listen", "\"nonsense\""),
      Map.entry("balancer.fast_path", "\"sometimes\""),
      Map.entry("balancer.rate_limit.enabled", "\"yes please\""),
      Map.entry("balancer.rate_limit.default", "\"lots/hour\""),
      Map.entry("balancer.rate_limit.burst", "-1"),
      Map.entry("balancer.rate_limit.routes", "[{ path = \"login\", limit = \"1/second\" }]"),
      Map.entry("balancer.tls.cert", "\"missing-cert.pem\""),
      Map.entry("balancer.tls.key", "\"missing-key.pem\""),
      Map.entry("balancer.tls.redirect_from", "70000"));

  /** Free-form strings start accepts whatever they hold. */
  private static final Set<String> ANY_VALUE_IS_FINE = Set.of("static.root", "balancer.admin_token",
      "docker.base_image", "docker.image", "kubernetes.namespace", "kubernetes.ingress_host", "kubernetes.ingress_class");

  @TempDir
  Path dir;

  @Test
  void everyKeyOfTheSchemaHasABadValueHereOrIsFreeForm() {
    Set<String> keys = Schema.keys().stream().map(Key::path).collect(Collectors.toCollection(TreeSet::new));
    Set<String> covered = new TreeSet<>(BAD.keySet());
    covered.addAll(ANY_VALUE_IS_FINE);
    assertThat(covered).as("a bad value for each key of the schema").isEqualTo(keys);
  }

  static Set<String> badKeys() {
    return new TreeSet<>(BAD.keySet());
  }

  @ParameterizedTest
  @MethodSource("badKeys")
  void aBadValueFailsConfigCheckNamingTheKeyAndItsLine(String path) {
    int dot = path.lastIndexOf('.');
    String section = dot < 0 ? "default" : "default." + path.substring(0, dot);
    String name = path.substring(dot + 1);
    String settings = "# line 1\n[" + section + "]\n" + name + " = " + BAD.get(path) + "\n";
    if (path.startsWith("balancer.tls.") && !path.equals("balancer.tls.redirect_from")) {
      settings = "# line 1\n[default.balancer.tls]\n" + name + " = " + BAD.get(path) + "\n"
          + (name.equals("cert") ? "key" : "cert") + " = \"other.pem\"\n";
    }
    TestProject.in(dir).settings(settings);
    MainTest.Run r = MainTest.drover(Map.of(), "-C", dir.toString(), "config", "check");

    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.err()).as("the error names the file and line").contains("settings.toml:3");
    assertThat(r.err()).as("the error names the key").contains(name);
    assertThat(r.err()).doesNotContain("internal error").doesNotContain("Exception");
  }

  @Test
  void aBaseOfPortsThatRunsPastTheLastPortIsRefused() {
    TestProject.in(dir).settings("[default.cluster]\nworkers = 5\nbase_port = 65533\n");
    MainTest.Run r = MainTest.drover(Map.of(), "-C", dir.toString(), "config", "check");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().strip()).isEqualTo("settings.toml:3 cluster.base_port = 65533 with 5 workers needs ports"
        + " up to 65537, past 65535; lower it to at most 65531");
  }

  @Test
  void anAppClassMissingFromItsClasspathIsNamedWithTheBuildHint() throws Exception {
    TestProject.in(dir).settings("[default]\napp = \"com.example.Hello\"\napp_classpath = [\"target/classes\"]\n");
    MainTest.Run missing = MainTest.drover(Map.of(), "-C", dir.toString(), "config", "check");
    assertThat(missing.err()).contains("settings.toml:3 app_classpath entry \"target/classes\" does not exist")
        .contains("build the app first, e.g. mvn package")
        .contains("settings.toml:2 app = \"com.example.Hello\": class not found on app_classpath [target/classes]");

    TestProject.in(dir).write("target/classes/com/example/Hello.class", "not really a class", "rw-r--r--");
    MainTest.Run found = MainTest.drover(Map.of(), "-C", dir.toString(), "config", "check");
    assertThat(found.code()).as(found.err()).isZero();
  }

  @Test
  void theJavaTemplateSaysToBuildFirstAndCheckSaysWhatIsMissingUntilThen() {
    Path project = dir.resolve("shop");
    MainTest.Run init = MainTest.drover(Map.of(), "-C", dir.toString(), "init", "shop", "--template", "java");
    assertThat(init.out()).contains("next: cd shop && mvn -q package && drover start");
    MainTest.Run check = MainTest.drover(Map.of(), "-C", project.toString(), "config", "check");
    assertThat(check.code()).isEqualTo(1);
    assertThat(check.err()).contains("app_classpath entry \"target/classes\" does not exist")
        .contains("build the app first, e.g. mvn package");
    MainTest.Run hello = MainTest.drover(Map.of(), "-C", dir.toString(), "init", "site");
    assertThat(hello.out()).contains("next: cd site && drover start");
  }

  @Test
  void anUnresolvableListenHostIsRefused() {
    TestProject.in(dir).settings("[default.balancer]\nlisten = \"no-such-host.invalid:8000\"\n");
    MainTest.Run r = MainTest.drover(Map.of(), "-C", dir.toString(), "config", "check");
    assertThat(r.err()).contains("settings.toml:2 balancer.listen = \"no-such-host.invalid:8000\": host"
        + " 'no-such-host.invalid' cannot be resolved");
  }
}
