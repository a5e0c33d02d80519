package dev.drover.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.net.ServerSocket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WorkerServerTest {

  /** An app whose requests wait until released, and which says when one has arrived. */
  private static final class HeldApp implements HttpHandler {
    final CountDownLatch arrived = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
      if (exchange.isInIoThread()) {
        exchange.dispatch(this);
        return;
      }
      arrived.countDown();
      release.await(10, TimeUnit.SECONDS);
      exchange.getResponseSender().send("done");
    }
  }

  @Test
  void drainLetsRequestsInFlightFinishAndRefusesNewOnes() throws Exception {
    HeldApp app = new HeldApp();
    WorkerServer server = new WorkerServer("127.0.0.1", 0, 1, 2, app);
    server.start();
    int port = server.address().getPort();
    try {
      CompletableFuture<TestHttp.Response> held = CompletableFuture.supplyAsync(() -> call(port, "/held"));
      assertThat(app.arrived.await(10, TimeUnit.SECONDS)).as("the request is in flight").isTrue();
      CompletableFuture<Boolean> stop = CompletableFuture.supplyAsync(() -> server.drainAndStop(5_000));

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      int health = call(port, "/_drover/health").status();
      while (health != 503 && System.nanoTime() < deadline) {
        health = call(port, "/_drover/health").status();
      }
      assertThat(health).as("a draining worker is not ready").isEqualTo(503);
      assertThat(stop).as("the drain waits for the request in flight").isNotDone();
      app.release.countDown();
      assertThat(held.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
      assertThat(stop.get(5, TimeUnit.SECONDS)).as("drained in time").isTrue();
    } finally {
      app.release.countDown();
      server.drainAndStop(0);
    }
  }

  @Test
  void drainGivesUpAfterTheTimeout() throws Exception {
    HeldApp app = new HeldApp();
    WorkerServer server = new WorkerServer("127.0.0.1", 0, 1, 2, app);
    server.start();
    int port = server.address().getPort();
    CompletableFuture.runAsync(() -> call(port, "/held"));
    try {
      assertThat(app.arrived.await(10, TimeUnit.SECONDS)).as("the request is in flight").isTrue();

      long start = System.nanoTime();
      boolean drained = server.drainAndStop(300);

      assertThat(drained).isFalse();
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3_000);
    } finally {
      app.release.countDown();
    }
  }

  @Test
  void aTakenPortIsABootError() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      WorkerServer server = new WorkerServer("127.0.0.1", taken.getLocalPort(), 1, 1, new DemoApp(1, 1, "test"));
      assertThatThrownBy(server::start)
          .isInstanceOf(BootException.class)
          .hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort())
          .hasMessageContaining("in use");
    }
  }

  private static TestHttp.Response call(int port, String path) {
    try {
      return TestHttp.get(port, path);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
