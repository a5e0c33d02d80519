package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.drover.config.BalancerSettings;
import dev.drover.config.ConfigException;
import dev.drover.config.DroverException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BalancerTlsTest {
  @TempDir
  Path project;
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "test-https-client");
    t.setDaemon(true);
    return t;
  });
  private Balancer balancer;

  @AfterEach
  void tearDown() throws Exception {
    if (balancer != null) {
      balancer.stop(Duration.ofSeconds(2));
    }
    for (AutoCloseable c : closing) {
      c.close();
    }
    executor.shutdownNow();
  }

  private TestBackend backend(String id) {
    TestBackend b = TestBackend.start(id);
    closing.add(b);
    return b;
  }

  private void start(BalancerSettings settings, TestBackend backend) {
    balancer = new Balancer(settings, (id, reason) -> { }, project, null);
    balancer.admit(backend.id, backend.uri());
    balancer.start();
  }

  private URI https(String path) {
    return URI.create("https://127.0.0.1:" + balancer.boundAddress().getPort() + path);
  }

  private static HttpResponse<String> get(HttpClient client, URI uri) throws Exception {
    return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesHttp2OverTlsAndTellsTheBackendItWasHttps() throws Exception {
    TestTls.ec(project.resolve("tls/cert.pem"), project.resolve("tls/key.pem"), 11);
    start(TestTls.withTls(TestSettings.balancer().build(), "tls/cert.pem", "tls/key.pem", 0), backend("a"));
    HttpClient client = TestTls.client(executor, project.resolve("tls/cert.pem"));

    HttpResponse<String> r = get(client, https("/headers"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(TestTls.serial(r)).isEqualTo(BigInteger.valueOf(11));
    assertThat(r.body()).containsIgnoringCase("X-Forwarded-Proto: https")
        .containsIgnoringCase("Host: 127.0.0.1:" + balancer.boundAddress().getPort());
    assertThat(r.headers().firstValue("X-Request-Id")).isPresent();
  }

  @Test
  void largeTextIsGzippedOverHttp2Too() throws Exception {
    TestTls.ec(project.resolve("cert.pem"), project.resolve("key.pem"), 18);
    start(TestTls.withTls(TestSettings.balancer().build(), "cert.pem", "key.pem", 0), backend("a"));
    HttpRequest.Builder request = HttpRequest.newBuilder(https("/headers")).header("Accept-Encoding", "gzip");
    for (int i = 0; i < 40; i++) {
      request.header("X-Pad-" + i, "padding to make the echoed head larger than a kilobyte");
    }

    HttpResponse<byte[]> r = TestTls.client(executor, project.resolve("cert.pem"))
        .send(request.build(), HttpResponse.BodyHandlers.ofByteArray());

    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(r.headers().firstValue("Content-Encoding")).hasValue("gzip");
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
      String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(body.length()).isGreaterThan((int) GzipHandler.MIN_SIZE);
      assertThat(body).containsIgnoringCase("X-Pad-39: padding");
    }
  }

  @Test
  void http1ClientsAreServedOnTheSamePort() throws Exception {
    TestTls.ec(project.resolve("cert.pem"), project.resolve("key.pem"), 12);
    start(TestTls.withTls(TestSettings.balancer().build(), "cert.pem", "key.pem", 0), backend("a"));
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .sslContext(TestTls.trusting(project.resolve("cert.pem"))).executor(executor).build();

    HttpResponse<String> r = get(client, https("/"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(r.body()).isEqualTo("a");
  }

  @Test
  void rsaCertificateWithAPkcs1KeyServesHttp2() throws Exception {
    TestTls.rsa(project.resolve("cert.pem"), project.resolve("pkcs8.key"), 13);
    TestTls.convert(project.resolve("pkcs8.key"), project.resolve("pkcs1.key"), "rsa", "-traditional");
    start(TestTls.withTls(TestSettings.balancer().build(), "cert.pem", "pkcs1.key", 0), backend("a"));

    HttpResponse<String> r = get(TestTls.client(executor, project.resolve("cert.pem")), https("/"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(TestTls.serial(r)).isEqualTo(BigInteger.valueOf(13));
  }

  @Test
  void aBadKeyPathIsAConfigErrorNamingTheKeyAndFile() {
    TestTls.ec(project.resolve("cert.pem"), project.resolve("key.pem"), 14);
    BalancerSettings settings = TestTls.withTls(TestSettings.balancer().build(), "cert.pem", "secret/missing.pem", 0);

    assertThatThrownBy(() -> new Balancer(settings, (id, reason) -> { }, project, null))
        .isInstanceOf(ConfigException.class)
        .hasMessage("balancer.tls.key: " + project.resolve("secret/missing.pem") + " does not exist");
  }

  @Test
  void plainPortRedirectsToHttpsWith301ForGetAnd308Otherwise() throws Exception {
    TestTls.ec(project.resolve("cert.pem"), project.resolve("key.pem"), 15);
    int plain = freePort();
    start(TestTls.withTls(TestSettings.balancer().build(), "cert.pem", "key.pem", plain), backend("a"));
    int tlsPort = balancer.boundAddress().getPort();

    String get = raw(plain, "GET /shop/cart?item=1&q=%20x HTTP/1.1\r\nHost: shop.example:" + plain
        + "\r\nConnection: close\r\n\r\n");
    String post = raw(plain, "POST /login HTTP/1.1\r\nHost: shop.example\r\nContent-Length: 3\r\n"
        + "Connection: close\r\n\r\nx=1");
    String noHost = raw(plain, "GET / HTTP/1.0\r\n\r\n");

    assertThat(get).startsWith("HTTP/1.1 301 ")
        .contains("Location: https://shop.example:" + tlsPort + "/shop/cart?item=1&q=%20x\r\n");
    assertThat(post).startsWith("HTTP/1.1 308 ").contains("Location: https://shop.example:" + tlsPort + "/login\r\n");
    assertThat(noHost).startsWith("HTTP/1.0 301 ").contains("Location: https://127.0.0.1:" + tlsPort + "/\r\n");
  }

  @Test
  void aRedirectPortInUseIsReportedAndNothingIsLeftListening() throws Exception {
    TestTls.ec(project.resolve("cert.pem"), project.resolve("key.pem"), 16);
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      BalancerSettings settings = TestTls.withTls(TestSettings.balancer().build(), "cert.pem", "key.pem",
          taken.getLocalPort());
      Balancer b = new Balancer(settings, (id, reason) -> { }, project, null);

      assertThatThrownBy(b::start).isInstanceOf(DroverException.class)
          .hasMessageStartingWith("balancer cannot listen on 127.0.0.1:" + taken.getLocalPort()
              + " (balancer.tls.redirect_from): ");
      BalancerTest.awaitTrue(() -> BalancerTest.balancerThreads().isEmpty());
    }
  }

  @Test
  void reconfigureRotatesTheCertificateForNewConnectionsAndKeepsOpenOnes() throws Exception {
    Path cert = project.resolve("tls/cert.pem");
    Path key = project.resolve("tls/key.pem");
    Path nextCert = project.resolve("next/cert.pem");
    Path nextKey = project.resolve("next/key.pem");
    TestTls.ec(cert, key, 1001);
    TestTls.ec(nextCert, nextKey, 2002);
    BalancerSettings settings = TestTls.withTls(TestSettings.balancer().build(), "tls/cert.pem", "tls/key.pem", 0);
    start(settings, backend("a"));
    HttpClient old = TestTls.client(executor, cert, nextCert);
    HttpClient fresh = TestTls.client(executor, cert, nextCert);
    assertThat(TestTls.serial(get(old, https("/")))).isEqualTo(BigInteger.valueOf(1001));

    // renewed in place, as certbot does, then a reload
    Files.copy(nextCert, cert, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(nextKey, key, StandardCopyOption.REPLACE_EXISTING);
    balancer.reconfigure(settings);

    HttpResponse<String> onOldConnection = get(old, https("/"));
    HttpResponse<String> onNewConnection = get(fresh, https("/"));
    assertThat(onOldConnection.statusCode()).isEqualTo(200);
    assertThat(TestTls.serial(onOldConnection)).as("the open HTTP/2 connection carries on").isEqualTo(BigInteger.valueOf(1001));
    assertThat(onNewConnection.statusCode()).isEqualTo(200);
    assertThat(TestTls.serial(onNewConnection)).isEqualTo(BigInteger.valueOf(2002));
  }

  @Test
  void aRotationToUnreadableFilesIsRefusedAndTheCertificateStays() throws Exception {
    TestTls.ec(project.resolve("cert.pem"), project.resolve("key.pem"), 3003);
    TestTls.ec(project.resolve("other.pem"), project.resolve("other.key"), 4004);
    BalancerSettings settings = TestTls.withTls(TestSettings.balancer().build(), "cert.pem", "key.pem", 0);
    start(settings, backend("a"));

    BalancerSettings mismatched = TestTls.withTls(settings, "cert.pem", "other.key", 0);
    assertThatThrownBy(() -> balancer.reconfigure(mismatched)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("balancer.tls.key: " + project.resolve("other.key") + " is not the key of the certificate");

    HttpResponse<String> r = get(TestTls.client(executor, project.resolve("cert.pem")), https("/"));
    assertThat(TestTls.serial(r)).isEqualTo(BigInteger.valueOf(3003));
  }

  @Test
  void aClientThatNeverFinishesItsHandshakeIsCutAfterTheReadTimeout() throws Exception {
    TestTls.ec(project.resolve("cert.pem"), project.resolve("key.pem"), 17);
    BalancerSettings settings = TestTls.withReadTimeout(
        TestTls.withTls(TestSettings.balancer().build(), "cert.pem", "key.pem", 0), Duration.ofMillis(300));
    start(settings, backend("a"));
    int port = balancer.boundAddress().getPort();

    try (Socket silent = new Socket("127.0.0.1", port);
        SSLSocket patient = (SSLSocket) TestTls.trusting(project.resolve("cert.pem")).getSocketFactory()
            .createSocket("127.0.0.1", port)) {
      silent.setSoTimeout(5000);
      patient.setSoTimeout(5000);
      patient.startHandshake();
      long started = System.nanoTime();

      assertThat(silent.getInputStream().read()).as("closed by the balancer").isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
      Thread.sleep(300); // the handshake deadline has passed for the patient one too
      patient.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.ISO_8859_1));
      String answer = new String(patient.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(answer).startsWith("HTTP/1.1 200 ").endsWith("a");
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private static String raw(int port, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
