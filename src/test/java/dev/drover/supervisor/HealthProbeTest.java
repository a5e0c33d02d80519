package dev.drover.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A 200 counts only from the worker the supervisor started, not from whatever took its port first. */
class HealthProbeTest {
  HttpServer server;

  private int serve(String pidHeader) throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      if (pidHeader != null) {
        exchange.getResponseHeaders().add("X-Drover-Pid", pidHeader);
      }
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
    return server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void theWorkerItselfIsReady() throws Exception {
    int port = serve("4242");
    assertThat(HealthProbe.answers("127.0.0.1", port, 1000, 4242)).isTrue();
  }

  @Test
  void anotherProcessOnThePortIsNotTheWorker() throws Exception {
    int port = serve("42420");
    assertThat(HealthProbe.answers("127.0.0.1", port, 1000, 4242)).isFalse();
    assertThat(HealthProbe.answers("127.0.0.1", port, 1000, 424)).isFalse();
  }

  @Test
  void anAnswerWithoutAPidIsNotTheWorker() throws Exception {
    int port = serve(null);
    assertThat(HealthProbe.answers("127.0.0.1", port, 1000, 4242)).isFalse();
  }
}
