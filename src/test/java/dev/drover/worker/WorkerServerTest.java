package dev.drover.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WorkerServerTest {

  @Test
  void drainLetsRequestsInFlightFinishAndRefusesNewOnes() throws Exception {
    WorkerServer server = new WorkerServer("127.0.0.1", 0, 1, 2, new DemoApp(1, 1, "test"));
    server.start();
    int port = server.address().getPort();
    try {
      CompletableFuture<TestHttp.Response> slow = CompletableFuture.supplyAsync(() -> call(port, "/api/slow?ms=800"));
      Thread.sleep(300); // the slow request is in flight
      CompletableFuture<Boolean> stop = CompletableFuture.supplyAsync(() -> server.drainAndStop(5_000));
      Thread.sleep(150);

      TestHttp.Response during = call(port, "/_drover/health");
      assertThat(during.status()).as("a draining worker is not ready").isEqualTo(503);
      assertThat(slow.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
      assertThat(stop.get(5, TimeUnit.SECONDS)).as("drained in time").isTrue();
    } finally {
      server.drainAndStop(0);
    }
  }

  @Test
  void drainGivesUpAfterTheTimeout() throws Exception {
    WorkerServer server = new WorkerServer("127.0.0.1", 0, 1, 2, new DemoApp(1, 1, "test"));
    server.start();
    int port = server.address().getPort();
    CompletableFuture.runAsync(() -> call(port, "/api/slow?ms=5000"));
    Thread.sleep(300);

    long start = System.nanoTime();
    boolean drained = server.drainAndStop(300);

    assertThat(drained).isFalse();
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3_000);
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
