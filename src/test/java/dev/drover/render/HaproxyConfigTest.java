package dev.drover.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.drover.config.ConfigException;
import dev.drover.testing.Peers;
import dev.drover.testing.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generated haproxy.cfg files checked by the real {@code haproxy -c}. */
class HaproxyConfigTest {
  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(60);
  private static Path haproxy;

  @TempDir
  Path dir;

  @BeforeAll
  static void findHaproxy() {
    haproxy = Peers.require("haproxy", "haproxy");
  }

  @Test
  void plainConfigPasses() throws IOException {
    TestProject p = project("plain", basics() + "[default.cluster]\nworkers = 3\nbase_port = " + Ports.free() + "\n");

    assertPasses(p.render(Front.HAPROXY));
  }

  @Test
  void routeRulesPass() throws IOException {
    TestProject p = project("routes", basics() + """
        [default.cluster]
        base_port = %d
        [default.balancer.rate_limit]
        default = "100/second"
        burst = 300
        [[default.balancer.rate_limit.routes]]
        path = "/login"
        method = "POST"
        limit = "10/second"
        [[default.balancer.rate_limit.routes]]
        path = "/login"
        method = "GET"
        limit = "50/minute"
        [[default.balancer.rate_limit.routes]]
        path = "/api/*"
        limit = "1000/hour"
        burst = 50
        [[default.balancer.rate_limit.routes]]
        path = "/api/v1/login"
        limit = "5/second"
        [[default.balancer.rate_limit.routes]]
        path = "/static/*"
        method = "DELETE"
        limit = "30/hour"
        [[default.balancer.rate_limit.routes]]
        path = "/"
        limit = "1/day"
        burst = 100
        """.formatted(Ports.free()));

    String conf = p.render(Front.HAPROXY);

    assertThat(conf).contains("track-sc1 src table drover_rate_route_1 ", "track-sc1 src table drover_rate_route_2 ",
        "track-sc2 src table drover_rate_route_4 ", "needs a window longer than HAProxy's 24 days");
    assertPasses(conf);
  }

  @Test
  void threeRulesOnOneRequestAreRefusedWithTheirNames() {
    TestProject p = project("crowded", basics() + """
        [default.cluster]
        base_port = 9101
        [[default.balancer.rate_limit.routes]]
        path = "/*"
        limit = "100/second"
        [[default.balancer.rate_limit.routes]]
        path = "/api/*"
        limit = "50/second"
        [[default.balancer.rate_limit.routes]]
        path = "/api/login"
        limit = "5/second"
        """);

    assertThatThrownBy(() -> p.render(Front.HAPROXY))
        .isInstanceOf(ConfigException.class)
        .hasMessage("balancer.rate_limit.routes: rules 1 (\"/*\"), 2 (\"/api/*\") and 3 (\"/api/login\") can match the"
            + " same request, but HAProxy applies at most 2 route limits to one request: merge or narrow them to generate haproxy");
    assertThat(p.render(Front.NGINX)).contains("location = /api/login {");
  }

  @Test
  void tlsWithCombinedPemAndRedirectPasses() throws IOException {
    TestProject p = project("combined", basics() + """
        [default.cluster]
        base_port = %d
        [default.balancer.tls]
        cert = "site.pem"
        redirect_from = %d
        """.formatted(Ports.free(), Ports.free()));
    SelfSigned.writeCombined(p.dir().resolve("site.pem"));

    String conf = p.render(Front.HAPROXY);

    assertThat(conf).contains(" ssl crt " + p.dir().resolve("site.pem").toAbsolutePath(), "frontend drover_redirect")
        .doesNotContain("ln -s");
    assertPasses(conf);
  }

  @Test
  void tlsWithKeyBesideTheCertificatePasses() throws IOException {
    TestProject p = project("beside", basics() + """
        [default.cluster]
        base_port = %d
        [default.balancer.tls]
        cert = "cert.pem"
        key = "cert.pem.key"
        """.formatted(Ports.free()));
    SelfSigned.write(p.dir().resolve("cert.pem"), p.dir().resolve("cert.pem.key"));

    String conf = p.render(Front.HAPROXY);

    assertThat(conf).doesNotContain("ln -s");
    assertPasses(conf);
  }

  @Test
  void tlsWithKeyElsewhereSaysHowToLinkIt() throws IOException {
    TestProject p = project("elsewhere", basics() + """
        [default.cluster]
        base_port = %d
        [default.balancer.tls]
        cert = "tls/cert.pem"
        key = "private/key.pem"
        """.formatted(Ports.free()));
    Path cert = p.dir().resolve("tls/cert.pem").toAbsolutePath();
    Path key = p.dir().resolve("private/key.pem").toAbsolutePath();
    SelfSigned.write(cert, key);

    String conf = p.render(Front.HAPROXY);

    // As generated, HAProxy finds no key; the file's own note is the fix, and with it the check passes.
    String note = "ln -s " + key + " " + cert + ".key";
    assertThat(conf).contains(note);
    Peers.Result before = check(conf);
    assertThat(before.exitCode()).as(before.output()).isNotZero();
    assertThat(before.output()).contains(cert + ".key");
    Files.createSymbolicLink(Path.of(cert + ".key"), key);
    assertPasses(conf);
  }

  @Test
  void proxiesNoRateLimitAndPathsWithSpacesPass() throws IOException {
    TestProject p = project("my shop", basics() + """
        strategy = "round_robin"
        trusted_proxies = ["10.0.0.0/8", "fd00::/8"]
        max_body = "0"
        queue = 0
        [default.cluster]
        workers = 2
        base_port = %d
        [default.balancer.tls]
        cert = "tls files/site.pem"
        """.formatted(Ports.free()));
    SelfSigned.writeCombined(p.dir().resolve("tls files/site.pem"));

    String conf = p.render(Front.HAPROXY);

    assertThat(conf).contains("balance roundrobin", "{ src 10.0.0.0/8 fd00::/8 }", "queue(drover_workers) ge 1 }",
        "ssl crt \"" + p.dir().toAbsolutePath() + "/tls files/site.pem\"").doesNotContain("deny_status 413");
    assertPasses(conf);
  }

  @Test
  void aBrokenTemplateFails() throws IOException {
    String builtIn = new TemplateSource(null).read(Front.HAPROXY.templateName());
    assertThat(builtIn).contains("deny_status 429");
    TestProject p = project("broken", basics() + "[default.cluster]\nbase_port = " + Ports.free() + "\n")
        .file("templates/" + Front.HAPROXY.templateName(), builtIn.replace("deny_status 429", "deny_status 299"));

    Peers.Result r = check(p.render(Front.HAPROXY));

    assertThat(r.exitCode()).as(r.output()).isNotZero();
    assertThat(r.output()).contains("[ALERT]", "299");
  }

  private TestProject project(String name, String settings) {
    return TestProject.at(dir.resolve(name)).settings(settings);
  }

  private static String basics() {
    return "[default.balancer]\nlisten = \"127.0.0.1:" + Ports.free() + "\"\n";
  }

  private void assertPasses(String conf) throws IOException {
    Peers.Result r = check(conf);
    assertThat(r.exitCode()).as("haproxy -c said:\n%s\nfor:\n%s", r.output(), conf).isZero();
    assertThat(r.output()).contains("Configuration file is valid");
  }

  private Peers.Result check(String conf) throws IOException {
    Path file = Files.createTempFile(dir, "haproxy-", ".cfg");
    Files.writeString(file, conf);
    return Peers.run(List.of(haproxy.toString(), "-c", "-f", file.toString()), dir, CHECK_TIMEOUT);
  }
}
