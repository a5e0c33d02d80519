package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xnio.Options;

class GzipHandlerTest {
  private static final String SMALL_JSON = "{\"app\":\"demo\",\"worker\":3,\"pid\":12345,\"uptime_seconds\":42}\n";
  private Undertow backend;
  private Balancer balancer;
  private final ExecutorService executor = Executors.newFixedThreadPool(2);
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor).build();

  @AfterEach
  void tearDown() {
    executor.shutdownNow();
    if (balancer != null) {
      balancer.stop(Duration.ofSeconds(2));
    }
    if (backend != null) {
      backend.stop();
    }
  }

  @Test
  void acceptEncodingIsReadWithItsQualities() {
    assertThat(GzipHandler.acceptsGzip(values("gzip, deflate, br"))).isTrue();
    assertThat(GzipHandler.acceptsGzip(values("br;q=1.0, GZIP;q=0.5"))).isTrue();
    assertThat(GzipHandler.acceptsGzip(values("*"))).isTrue();
    assertThat(GzipHandler.acceptsGzip(values("identity,  x-gzip ;q=1"))).isTrue();
    assertThat(GzipHandler.acceptsGzip(values("gzipped, br"))).isFalse();
    assertThat(GzipHandler.acceptsGzip(values("gzip;q=0"))).isFalse();
    assertThat(GzipHandler.acceptsGzip(values("gzip; q=0.000, *"))).isFalse();
    assertThat(GzipHandler.acceptsGzip(values("*;q=0"))).isFalse();
    assertThat(GzipHandler.acceptsGzip(values("br, identity"))).isFalse();
    assertThat(GzipHandler.acceptsGzip(null)).isFalse();
  }

  @Test
  void textLikeTypesCompressAndStreamsAndBinariesDoNot() {
    assertThat(GzipHandler.compressibleType("text/html; charset=utf-8")).isTrue();
    assertThat(GzipHandler.compressibleType("application/json")).isTrue();
    assertThat(GzipHandler.compressibleType("application/problem+json")).isTrue();
    assertThat(GzipHandler.compressibleType("application/javascript")).isTrue();
    assertThat(GzipHandler.compressibleType("image/svg+xml")).isTrue();
    assertThat(GzipHandler.compressibleType("text/event-stream")).isFalse();
    assertThat(GzipHandler.compressibleType("image/png")).isFalse();
    assertThat(GzipHandler.compressibleType("application/octet-stream")).isFalse();
    assertThat(GzipHandler.compressibleType(null)).isFalse();
  }

  @Test
  void aLargeTextResponseIsGzippedForAClientThatAsks() throws IOException {
    start();
    String expected = text(10_000);

    HttpResponse<byte[]> r = get("/text/10000", "gzip, deflate");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Encoding")).hasValue("gzip");
    assertThat(r.headers().allValues("Vary")).contains("Accept-Encoding");
    assertThat(r.body().length).isLessThan(expected.length() / 4);
    assertThat(gunzip(r.body())).isEqualTo(expected);
    assertThat(balancer.metrics().handedOverCount()).as("compressed on the fast path").isZero();
  }

  @Test
  void aStreamedResponseOfUnknownLengthIsGzippedToo() throws IOException {
    start();

    HttpResponse<byte[]> r = get("/chunked/20000", "gzip");

    assertThat(r.headers().firstValue("Content-Encoding")).hasValue("gzip");
    assertThat(gunzip(r.body())).isEqualTo(text(20_000));
    assertThat(balancer.metrics().handedOverCount()).as("compressed on the fast path").isZero();
  }

  @Test
  void aHeadAnswerSaysGzipWithoutALengthAndTheConnectionGoesOn() {
    start();
    try (RawConnection c = new RawConnection(balancer.boundAddress())) {
      RawConnection.Answer head = c.send("HEAD /text/10000 HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n")
          .readHeadAnswer();
      RawConnection.Answer next = c.send("GET /api/info HTTP/1.1\r\nHost: x\r\n\r\n").read();

      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("Content-Encoding")).isEqualTo("gzip");
      assertThat(head.header("Content-Length")).isNull();
      assertThat(next.body()).isEqualTo(SMALL_JSON);
    }
  }

  @Test
  void smallJsonPassesUntouched() {
    start();

    HttpResponse<byte[]> r = get("/api/info", "gzip");

    assertThat(r.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(r.headers().firstValue("Content-Length")).hasValue(String.valueOf(SMALL_JSON.length()));
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(SMALL_JSON);
  }

  @Test
  void noGzipWithoutAskingNorOnAnswersTheWorkerEncodedOrThatAreNotText() {
    start();

    HttpResponse<byte[]> notAsked = get("/text/10000", null);
    HttpResponse<byte[]> encoded = get("/encoded", "gzip");
    HttpResponse<byte[]> binary = get("/binary", "gzip");

    assertThat(notAsked.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(new String(notAsked.body(), StandardCharsets.UTF_8)).isEqualTo(text(10_000));
    assertThat(encoded.headers().allValues("Content-Encoding")).containsExactly("br");
    assertThat(encoded.body()).hasSize(5000);
    assertThat(binary.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(binary.body()).hasSize(5000);
  }

  private void start() {
    backend = Undertow.builder()
        .addHttpListener(0, "127.0.0.1")
        .setIoThreads(1)
        .setWorkerThreads(4)
        .setWorkerOption(Options.WORKER_NAME, "test-gzip-backend")
        .setHandler(GzipHandlerTest::serve)
        .build();
    backend.start();
    int port = ((InetSocketAddress) backend.getListenerInfo().get(0).getAddress()).getPort();
    balancer = new Balancer(TestSettings.balancer().build(), (id, reason) -> { });
    balancer.admit("w", URI.create("http://127.0.0.1:" + port));
    balancer.start();
  }

  private static void serve(HttpServerExchange exchange) throws IOException {
    String path = exchange.getRequestPath();
    HeaderMap headers = exchange.getResponseHeaders();
    if (path.startsWith("/text/")) {
      headers.put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
      exchange.getResponseSender().send(text(Integer.parseInt(path.substring(6))));
    } else if (path.startsWith("/chunked/")) {
      if (exchange.isInIoThread()) {
        exchange.dispatch(GzipHandlerTest::serve);
        return;
      }
      headers.put(Headers.CONTENT_TYPE, "application/json");
      exchange.startBlocking();
      byte[] body = text(Integer.parseInt(path.substring(9))).getBytes(StandardCharsets.UTF_8);
      try (OutputStream out = exchange.getOutputStream()) {
        for (int i = 0; i < body.length; i += 1000) {
          out.write(body, i, Math.min(1000, body.length - i));
          out.flush();
        }
      }
    } else if (path.equals("/api/info")) {
      headers.put(Headers.CONTENT_TYPE, "application/json");
      exchange.getResponseSender().send(SMALL_JSON);
    } else if (path.equals("/encoded")) {
      headers.put(Headers.CONTENT_TYPE, "text/plain");
      headers.put(Headers.CONTENT_ENCODING, "br");
      exchange.getResponseSender().send(text(5000));
    } else {
      headers.put(Headers.CONTENT_TYPE, "image/png");
      exchange.getResponseSender().send(text(5000));
    }
  }

  private HttpResponse<byte[]> get(String path, String acceptEncoding) {
    HttpRequest.Builder request = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + balancer.boundAddress().getPort() + path)).timeout(Duration.ofSeconds(10));
    if (acceptEncoding != null) {
      request.header("Accept-Encoding", acceptEncoding);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String text(int length) {
    StringBuilder sb = new StringBuilder(length);
    int line = 0;
    while (sb.length() < length) {
      sb.append("line ").append(line++).append(": the quick brown fox jumps over the lazy dog\n");
    }
    sb.setLength(length);
    return sb.toString();
  }

  private static String gunzip(byte[] body) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static io.undertow.util.HeaderValues values(String value) {
    HeaderMap map = new HeaderMap();
    map.add(Headers.ACCEPT_ENCODING, value);
    return map.get(Headers.ACCEPT_ENCODING);
  }
}
