package dev.drover.render;

import static org.assertj.core.api.Assertions.assertThat;

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

/** Generated nginx.conf files checked by the real {@code nginx -t}. */
class NginxConfigTest {
  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(60);
  private static Path nginx;
  private static String build;

  @TempDir
  Path dir;

  @BeforeAll
  static void findNginx() {
    nginx = Peers.require("nginx", "nginx-light");
    build = Peers.run(List.of(nginx.toString(), "-V"), Path.of("."), CHECK_TIMEOUT).output();
  }

  @Test
  void plainConfigPasses() throws IOException {
    TestProject p = project("plain", basics() + "[default.cluster]\nworkers = 3\nbase_port = " + Ports.free() + "\n");

    assertPasses(p.render(Front.NGINX));
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
        path = "/*"
        method = "DELETE"
        limit = "30/hour"
        [[default.balancer.rate_limit.routes]]
        path = "/"
        limit = "2000/day"
        [[default.balancer.rate_limit.routes]]
        path = "/_drover/*"
        limit = "1/second"
        """.formatted(Ports.free()));

    String conf = p.render(Front.NGINX);

    assertThat(conf).contains("location = / {", "location = /login {", "location /api/ {", "location = /api/v1/login {")
        .doesNotContain("drover_route_7");
    assertPasses(conf);
  }

  @Test
  void tlsWithSeparateKeyAndRedirectPasses() throws IOException {
    TestProject p = project("tls", basics() + """
        [default.cluster]
        base_port = %d
        [default.balancer.tls]
        cert = "tls/cert.pem"
        key = "tls/key.pem"
        redirect_from = %d
        """.formatted(Ports.free(), Ports.free()));
    SelfSigned.write(p.dir().resolve("tls/cert.pem"), p.dir().resolve("tls/key.pem"));

    String conf = p.render(Front.NGINX);

    assertThat(conf).contains(" ssl http2;", "return 301 https://");
    assertPasses(conf);
  }

  @Test
  void proxiesJsonLogConnectionLimitAndNoRateLimitPass() throws IOException {
    TestProject p = project("behind", basics() + """
        strategy = "round_robin"
        trusted_proxies = ["10.0.0.0/8", "fd00::/8"]
        access_log_format = "json"
        max_connections_per_ip = 20
        max_body = "0"
        [default.cluster]
        workers = 2
        base_port = %d
        [default.balancer.rate_limit]
        enabled = false
        """.formatted(Ports.free()));

    String conf = p.render(Front.NGINX);

    assertThat(conf).contains("set_real_ip_from fd00::/8;", "log_format drover_json", "limit_conn drover_connections 20;")
        .doesNotContain("least_conn").doesNotContain("limit_req");
    assertPasses(conf);
  }

  @Test
  void pathsWithSpacesPass() throws IOException {
    TestProject p = project("my shop", basics() + """
        [default.cluster]
        base_port = %d
        [[default.balancer.rate_limit.routes]]
        path = "/a b"
        limit = "1/second"
        [default.balancer.tls]
        cert = "tls files/cert.pem"
        key = "tls files/key.pem"
        """.formatted(Ports.free()));
    SelfSigned.write(p.dir().resolve("tls files/cert.pem"), p.dir().resolve("tls files/key.pem"));

    String conf = p.render(Front.NGINX);

    assertThat(conf).contains("location = \"/a b\" {", "ssl_certificate \"" + p.dir().toAbsolutePath() + "/tls files/cert.pem\";");
    assertPasses(conf);
  }

  @Test
  void aBrokenTemplateFails() throws IOException {
    String builtIn = new TemplateSource(null).read(Front.NGINX.templateName());
    assertThat(builtIn).contains("limit_req_status 429;");
    TestProject p = project("broken", basics() + "[default.cluster]\nbase_port = " + Ports.free() + "\n")
        .file("templates/" + Front.NGINX.templateName(), builtIn.replace("limit_req_status 429;", "limit_req_status 999;"));

    Peers.Result r = check(p.render(Front.NGINX));

    assertThat(r.exitCode()).as(r.output()).isNotZero();
    assertThat(r.output()).contains("[emerg]", "value must be between 400 and 599");
  }

  private TestProject project(String name, String settings) {
    return TestProject.at(dir.resolve(name)).settings(settings);
  }

  private static String basics() {
    return "[default.balancer]\nlisten = \"127.0.0.1:" + Ports.free() + "\"\n";
  }

  private void assertPasses(String conf) throws IOException {
    Peers.Result r = check(conf);
    assertThat(r.exitCode()).as("nginx -t said:\n%s\nfor:\n%s", r.output(), conf).isZero();
    assertThat(r.output()).contains("test is successful");
  }

  /**
   * Runs {@code nginx -t} on the file as generated, except that the pid, logs and temporary folders it
   * names on a server are moved into a folder of this test, so the check writes nowhere else.
   */
  private Peers.Result check(String conf) throws IOException {
    Path sandbox = Files.createTempDirectory(dir, "nginx-");
    assertThat(conf).contains("pid /run/nginx.pid;", "error_log /var/log/nginx/", "access_log /var/log/nginx/");
    String local = conf.replace("/run/nginx.pid", sandbox.resolve("nginx.pid").toString())
        .replace("/var/log/nginx/", sandbox + "/")
        .replaceFirst("(?m)^http \\{$", "http {\n" + tempPaths(sandbox));
    Path file = sandbox.resolve("nginx.conf");
    Files.writeString(file, local);
    return Peers.run(List.of(nginx.toString(), "-t", "-e", "stderr", "-p", sandbox + "/", "-c", file.toString()),
        sandbox, CHECK_TIMEOUT);
  }

  /** nginx creates a temporary folder for each module that buffers to disk; keep them all in the sandbox. */
  private static String tempPaths(Path sandbox) {
    StringBuilder b = new StringBuilder();
    b.append("    client_body_temp_path ").append(sandbox.resolve("body")).append(";\n");
    b.append("    proxy_temp_path ").append(sandbox.resolve("proxy")).append(";\n");
    for (String module : List.of("fastcgi", "uwsgi", "scgi")) {
      if (!build.contains("--without-http_" + module + "_module")) {
        b.append("    ").append(module).append("_temp_path ").append(sandbox.resolve(module)).append(";\n");
      }
    }
    return b.toString();
  }
}
