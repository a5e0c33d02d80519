package dev.drover.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.drover.config.ConfigException;
import dev.drover.config.Settings;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FrontGeneratorTest {
  private static final String ROUTES = """
      [default]
      [default.cluster]
      workers = 3
      base_port = 9101
      [default.balancer.rate_limit]
      default = "200/minute"
      [[default.balancer.rate_limit.routes]]
      path = "/login"
      method = "POST"
      limit = "10/second"
      [[default.balancer.rate_limit.routes]]
      path = "/api/*"
      limit = "1000/hour"
      burst = 50
      [[default.balancer.rate_limit.routes]]
      path = "/api/v1/login"
      limit = "5/second"
      """;

  @TempDir
  Path dir;

  private TestProject project(String settings) {
    return TestProject.at(dir.resolve("shop")).settings(settings);
  }

  @Test
  void upstreamHasOneAddressPerWorkerFromBasePort() {
    TestProject p = project("[default.cluster]\nworkers = 3\nbase_port = 9101\n");

    String nginx = p.render(Front.NGINX);
    String haproxy = p.render(Front.HAPROXY);

    assertThat(nginx).contains("""
                server 127.0.0.1:9101 max_fails=1 fail_timeout=2s;
                server 127.0.0.1:9102 max_fails=1 fail_timeout=2s;
                server 127.0.0.1:9103 max_fails=1 fail_timeout=2s;
                keepalive 32;
        """);
    assertThat(count(nginx, "server 127.0.0.1:")).isEqualTo(3);
    assertThat(haproxy).contains("""
            server worker1 127.0.0.1:9101 check inter 1s maxconn 334
            server worker2 127.0.0.1:9102 check inter 1s maxconn 334
            server worker3 127.0.0.1:9103 check inter 1s maxconn 334
        """);
    assertThat(count(haproxy, "    server worker")).isEqualTo(3);
  }

  @Test
  void autoWorkersAreTwicePerCorePlusOne() {
    TestProject p = project("[default.cluster]\nbase_port = 9101\n");

    assertThat(count(p.generator(2).render(Front.NGINX, p.load()), "server 127.0.0.1:")).isEqualTo(5);
    assertThat(count(p.generator(3).render(Front.HAPROXY, p.load()), " server worker")).isEqualTo(7);
  }

  @ParameterizedTest
  @EnumSource(value = Front.class, names = {"NGINX", "HAPROXY"})
  void basePortZeroIsOneLineTellingWhatToSet(Front front) {
    TestProject p = project("[default]\napp = \"demo\"\n");

    assertThatThrownBy(() -> p.render(front))
        .isInstanceOf(ConfigException.class)
        .hasMessage("cluster.base_port is 0 (free ports chosen at start), so a front cannot address the workers:"
            + " set base_port in [default.cluster] of settings.toml, e.g. base_port = 8001");
  }

  @Test
  void systemdNeedsNoBasePort() {
    TestProject p = project("[default]\napp = \"demo\"\n");

    assertThat(p.render(Front.SYSTEMD)).contains("ExecStart=");
  }

  @Test
  void workersPastTheLastPortAreRefused() {
    TestProject p = project("[default.cluster]\nworkers = 3\nbase_port = 65534\n");

    assertThatThrownBy(() -> p.render(Front.NGINX))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("last would listen on port 65536");
  }

  @Test
  void nginxGivesEachRouteALocationCarryingEveryRuleThatMatchesThere() {
    String nginx = project(ROUTES).render(Front.NGINX);

    assertThat(nginx).contains("""
            map $request_method $drover_route_1_key {
                POST $binary_remote_addr;
                default "";
            }
            limit_req_zone $drover_route_1_key zone=drover_route_1:10m rate=10r/s;
        """);
    assertThat(nginx).contains("limit_req_zone $binary_remote_addr zone=drover_default:10m rate=200r/m;");
    assertThat(nginx).contains("""
            # 1000/hour is written as 17r/m: nginx counts requests per second or per minute only
            limit_req_zone $binary_remote_addr zone=drover_route_2:10m rate=17r/m;
        """);
    assertThat(nginx).contains("limit_req_status 429;");
    assertThat(nginx).contains("""
                location / {
                    limit_req zone=drover_default burst=200 nodelay;
                    proxy_pass http://drover_workers;
                }
        """);
    assertThat(nginx).contains("""
                location = /login {
                    limit_req zone=drover_default burst=200 nodelay;
                    limit_req zone=drover_route_1 burst=10 nodelay;
                    proxy_pass http://drover_workers;
                }
        """);
    assertThat(nginx).contains("""
                location /api/ {
                    limit_req zone=drover_default burst=200 nodelay;
                    limit_req zone=drover_route_2 burst=50 nodelay;
                    proxy_pass http://drover_workers;
                }
        """);
    // nginx picks the exact location for /api/v1/login, so the /api/* rule must be repeated there.
    assertThat(nginx).contains("""
                location = /api/v1/login {
                    limit_req zone=drover_default burst=200 nodelay;
                    limit_req zone=drover_route_2 burst=50 nodelay;
                    limit_req zone=drover_route_3 burst=5 nodelay;
                    proxy_pass http://drover_workers;
                }
        """);
  }

  @Test
  void haproxyTracksTheDefaultAndEachRouteRule() {
    String haproxy = project(ROUTES).render(Front.HAPROXY);

    assertThat(haproxy).contains("""
            http-request track-sc0 src table drover_rate_default
            http-request deny deny_status 429 if { sc_http_req_rate(0) gt 200 }
        """);
    assertThat(haproxy).contains("""
            acl drover_route_1 path,url_dec -m str /login
            http-request track-sc1 src table drover_rate_route_1 if drover_route_1 { method POST }
            http-request deny deny_status 429 if drover_route_1 { method POST } { sc_http_req_rate(1) gt 10 }
        """);
    assertThat(haproxy).contains("acl drover_route_2 path,url_dec -m beg /api/");
    // /api/v1/login also matches /api/*, so the two rules need different counters.
    assertThat(haproxy).contains("track-sc1 src table drover_rate_route_2 if drover_route_2\n");
    assertThat(haproxy).contains("track-sc2 src table drover_rate_route_3 if drover_route_3\n");
    // 1000/hour with burst 50: 50 requests in any 3 minutes.
    assertThat(haproxy).contains("""
        backend drover_rate_route_2
            stick-table type ipv6 size 100k expire 3m store http_req_rate(3m)
        """);
    assertThat(haproxy).contains("http-request deny deny_status 429 if drover_route_2 { sc_http_req_rate(1) gt 50 }");
  }

  @Test
  void rateLimitOffWritesNoLimits() {
    TestProject p = project(ROUTES.replace("[default.balancer.rate_limit]\n", "[default.balancer.rate_limit]\nenabled = false\n"));

    String nginx = p.render(Front.NGINX);
    String haproxy = p.render(Front.HAPROXY);

    assertThat(nginx).doesNotContain("limit_req").doesNotContain("location = /login");
    assertThat(haproxy).doesNotContain("track-sc").doesNotContain("stick-table").doesNotContain(" 429 ");
  }

  @Test
  void bothFrontsHideDroverInternalPaths() {
    TestProject p = project("[default.cluster]\nbase_port = 9101\n");

    assertThat(p.render(Front.NGINX)).contains("""
                location ^~ /_drover/ {
                    return 404;
                }
        """);
    assertThat(p.render(Front.HAPROXY)).contains("http-request deny deny_status 404 if { path,url_dec -m beg /_drover/ }");
  }

  @Test
  void forwardedHeadersBodyLimitAndTimeoutsMirrorTheBalancer() {
    TestProject p = project("""
        [default.cluster]
        base_port = 9101
        [default.balancer]
        max_body = "2MB"
        read_timeout = "7s"
        idle_timeout = "75s"
        upstream_timeout = "2m"
        """);

    String nginx = p.render(Front.NGINX);
    String haproxy = p.render(Front.HAPROXY);

    assertThat(nginx).contains("proxy_http_version 1.1;", "proxy_set_header Connection \"\";",
        "proxy_set_header Host $host;", "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;", "proxy_set_header X-Forwarded-Host $http_host;",
        "client_max_body_size 2m;", "client_header_timeout 7s;", "keepalive_timeout 75s;", "proxy_read_timeout 2m;");
    assertThat(haproxy).contains("option forwardfor", "http-request set-header X-Forwarded-Proto http",
        "http-request set-header X-Forwarded-Host %[req.hdr(host)]",
        "http-request deny deny_status 413 if { req.hdr_val(content-length) gt 2097152 }",
        "timeout http-request 7s", "timeout http-keep-alive 75s", "timeout server 2m");
  }

  @Test
  void tlsListensWithProjectRelativePathsAndRedirectsPlainHttp() {
    TestProject p = project("""
        [default.cluster]
        base_port = 9101
        [default.balancer]
        listen = "0.0.0.0:8443"
        [default.balancer.tls]
        cert = "tls/cert.pem"
        key = "tls/key.pem"
        redirect_from = 8080
        """);
    Path cert = p.dir().resolve("tls/cert.pem").toAbsolutePath();
    Path key = p.dir().resolve("tls/key.pem").toAbsolutePath();

    String nginx = p.render(Front.NGINX);
    String haproxy = p.render(Front.HAPROXY);

    assertThat(nginx).contains("listen 0.0.0.0:8443 ssl http2;", "ssl_certificate " + cert + ";",
        "ssl_certificate_key " + key + ";", "listen 0.0.0.0:8080;", "return 301 https://$host:8443$request_uri;");
    assertThat(haproxy).contains("bind 0.0.0.0:8443 ssl crt " + cert + " alpn h2,http/1.1",
        "http-request set-header X-Forwarded-Proto https", "bind 0.0.0.0:8080",
        "http-request redirect prefix https://%[req.hdr(host),field(1,:)]:8443 code 301",
        "ln -s " + key + " " + cert + ".key");
  }

  @Test
  void tlsOnPort443RedirectsWithoutAPort() {
    TestProject p = project("""
        [default.cluster]
        base_port = 9101
        [default.balancer]
        listen = "0.0.0.0:443"
        [default.balancer.tls]
        cert = "site.pem"
        redirect_from = 80
        """);

    assertThat(p.render(Front.NGINX)).contains("return 301 https://$host$request_uri;")
        .contains("ssl_certificate_key " + p.dir().resolve("site.pem").toAbsolutePath() + ";");
    assertThat(p.render(Front.HAPROXY)).contains("redirect prefix https://%[req.hdr(host),field(1,:)] code 301")
        .doesNotContain("ln -s");
  }

  @Test
  void plainHttpHasNoTlsAndNoRedirect() {
    TestProject p = project("[default.cluster]\nbase_port = 9101\n");

    assertThat(p.render(Front.NGINX)).contains("listen 127.0.0.1:8000;").doesNotContain("ssl").doesNotContain("return 301");
    assertThat(p.render(Front.HAPROXY)).contains("bind 127.0.0.1:8000\n").doesNotContain("ssl").doesNotContain("redirect");
  }

  @Test
  void trustedProxiesNameTheClientForLimits() {
    TestProject p = project("""
        [default.cluster]
        base_port = 9101
        [default.balancer]
        trusted_proxies = ["10.0.0.0/8", "192.168.1.0/24"]
        """);

    assertThat(p.render(Front.NGINX)).contains("set_real_ip_from 10.0.0.0/8;", "set_real_ip_from 192.168.1.0/24;",
        "real_ip_header X-Forwarded-For;", "proxy_set_header X-Forwarded-For $drover_forwarded_for;");
    assertThat(p.render(Front.HAPROXY)).contains("if { src 10.0.0.0/8 192.168.1.0/24 }",
        "http-request track-sc0 var(txn.drover_client) table drover_rate_default");
  }

  @Test
  void secretsNeverReachAGeneratedFile() {
    String secret = "k9-known-secret-value-7f3a";
    String password = "db-password-value-51c2";
    TestProject p = project("""
        [default.cluster]
        base_port = 9101
        [default.balancer.tls]
        cert = "cert.pem"
        key = "key.pem"
        """).secrets("""
        [default]
        secret_key = "%s"
        [default.app_settings]
        db_password = "%s"
        """.formatted(secret, password));
    Settings settings = p.load();
    assertThat(settings.secretKey().reveal()).isEqualTo(secret);

    for (Front front : Front.values()) {
      String text = p.generator().render(front, settings);
      assertThat(text).as(front.word()).doesNotContain(secret).doesNotContain(password).doesNotContain("********");
    }
    // The key's path is what a front needs, and it is there.
    assertThat(p.generator().render(Front.NGINX, settings)).contains(p.dir().resolve("key.pem").toAbsolutePath().toString());
  }

  @Test
  void projectTemplateWinsOverTheBuiltInOne() {
    TestProject p = project("[default.cluster]\nworkers = 2\nbase_port = 9101\n")
        .file("templates/nginx.conf.mustache", "custom for {{env}}:{{#workers}} {{.}}{{/workers}}\n");

    assertThat(p.render(Front.NGINX)).isEqualTo("custom for development: 127.0.0.1:9101 127.0.0.1:9102\n");
    assertThat(p.render(Front.HAPROXY)).startsWith("# haproxy.cfg for the drover project \"shop\"");
  }

  @Test
  void systemdRunsDroverInTheForegroundForTheEnvironment() {
    TestProject p = project("""
        [default.cluster]
        graceful_timeout = "45s"
        [production]
        log_level = "WARN"
        """);

    String unit = p.generator().render(Front.SYSTEMD, p.load("production"));

    Path dir = p.dir().toAbsolutePath();
    assertThat(unit).contains("\nType=simple\n", "\nWorkingDirectory=" + dir + "\n",
        "\nExecStart=" + TestProject.JAVA + " -jar " + TestProject.JAR + " -C " + dir + " -e production start\n",
        "\nExecReload=/bin/kill -HUP $MAINPID\n", "\nKillSignal=SIGTERM\n", "\nKillMode=mixed\n",
        "\nTimeoutStopSec=55\n", "\nRestart=on-failure\n", "\n[Install]\nWantedBy=multi-user.target\n",
        "\nDescription=drover shop (production)\n");
  }

  @Test
  void systemdQuotesPathsWithSpacesAndEscapesSpecifiers() {
    TestProject p = TestProject.at(dir.resolve("my 100% shop")).settings("[default]\napp = \"demo\"\n");

    String unit = p.render(Front.SYSTEMD);

    Path d = p.dir().toAbsolutePath();
    String quoted = "\"" + d.toString().replace("%", "%%") + "\"";
    assertThat(unit).contains("\nWorkingDirectory=" + d.toString().replace("%", "%%") + "\n",
        " -C " + quoted + " -e development start\n", "\nDescription=drover my 100%% shop (development)\n");
  }

  private static int count(String text, String part) {
    return (int) Pattern.compile(Pattern.quote(part)).matcher(text).results().count();
  }
}
