package dev.drover.render;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Stands in for a drover worker behind a front: answers every request with 200 and what it received, so a
 * test sees which requests got through and with which forwarded headers. It answers {@code /_drover/} too,
 * as a worker does, so a front that lets it through is caught.
 */
final class EchoWorker implements AutoCloseable {
  private final HttpServer server;

  EchoWorker(int port) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", EchoWorker::echo);
    server.start();
  }

  private static void echo(HttpExchange ex) throws IOException {
    try (ex; InputStream in = ex.getRequestBody()) {
      long bodyBytes = in.transferTo(OutputStream.nullOutputStream());
      StringBuilder b = new StringBuilder();
      b.append("method=").append(ex.getRequestMethod()).append('\n');
      b.append("path=").append(ex.getRequestURI().getRawPath()).append('\n');
      b.append("body=").append(bodyBytes).append('\n');
      for (String h : List.of("Host", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host")) {
        b.append(h.toLowerCase(java.util.Locale.ROOT)).append('=').append(ex.getRequestHeaders().getFirst(h)).append('\n');
      }
      byte[] out = b.toString().getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, out.length);
      ex.getResponseBody().write(out);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
