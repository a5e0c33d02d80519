package dev.drover.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drover.testing.Peers;
import dev.drover.testing.Ports;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generated nginx.conf files checked by the real {@code nginx -t}. */
class NginxConfigTest {
  private static NginxSandbox sandbox;

  @TempDir
  Path dir;

  @BeforeAll
  static void findNginx() {
    sandbox = new NginxSandbox();
  }

  @Test
  void plainConfigPasses() {
    TestProject p = project("plain", basics() + "[default.cluster]\nworkers = 3\nbase_port = " + Ports.free() + "\n");

    assertPasses(p.render(Front.NGINX));
  }

  @Test
  void routeRulesPass() {
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
  void tlsWithSeparateKeyAndRedirectPasses() {
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
  void proxiesJsonLogConnectionLimitAndNoRateLimitPass() {
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
  void pathsWithSpacesPass() {
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
  void aBrokenTemplateFails() {
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

  private void assertPasses(String conf) {
    Peers.Result r = check(conf);
    assertThat(r.exitCode()).as("nginx -t said:\n%s\nfor:\n%s", r.output(), conf).isZero();
    assertThat(r.output()).contains("test is successful");
  }

  private Peers.Result check(String conf) {
    return sandbox.test(conf, dir);
  }
}
