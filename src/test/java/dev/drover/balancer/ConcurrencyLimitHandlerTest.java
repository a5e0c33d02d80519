package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConcurrencyLimitHandlerTest {
  private final ExecutorService clients = Executors.newFixedThreadPool(12);
  private BalancerFixture fixture;

  /** An answer and how long the client waited for it. */
  private record Timed(RawConnection.Answer answer, long millis, long doneNanos) {
    int status() {
      return answer == null ? -1 : answer.status();
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    clients.shutdownNow();
    assertThat(clients.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void beyondMaxConcurrentAndQueueTheAnswerIsAnImmediate503() {
    fixture = BalancerFixture.start(TestSettings.balancer().maxConcurrent(2).queue(2).build());

    List<CompletableFuture<Timed>> all = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      all.add(request("/sleep/1000"));
    }
    List<Timed> done = all.stream().map(CompletableFuture::join).toList();

    List<Timed> served = done.stream().filter(t -> t.status() == 200).toList();
    List<Timed> refused = done.stream().filter(t -> t.status() == 503).toList();
    assertThat(served).hasSize(4);
    assertThat(refused).hasSize(6);
    for (Timed t : refused) {
      assertThat(t.millis()).as("503 answered at once, not after waiting").isLessThan(500);
      assertThat(t.answer().header("Retry-After")).isEqualTo("1");
    }
    assertThat(fixture.balancer.metrics().queueRejectedCount()).isEqualTo(6);
    assertThat(fixture.backend.hits()).isEqualTo(4);
    System.out.printf("503 answered in %d ms at most%n", refused.stream().mapToLong(Timed::millis).max().orElse(0));
  }

  @Test
  void waitingRequestsAreServedInArrivalOrder() throws Exception {
    fixture = BalancerFixture.start(TestSettings.balancer().maxConcurrent(1).queue(5).build());
    CompletableFuture<Timed> first = request("/sleep/400");
    BalancerTest.awaitTrue(() -> fixture.backend.active.get() == 1);

    List<CompletableFuture<Timed>> waiting = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      waiting.add(request("/sleep/30?n=" + i));
      long queued = i + 2; // the one in flight and this one's predecessors
      BalancerTest.awaitTrue(() -> fixture.balancer.metrics().inFlightCount() == queued); // arrived before the next is sent
    }

    assertThat(first.join().status()).isEqualTo(200);
    List<Timed> done = waiting.stream().map(CompletableFuture::join).toList();
    assertThat(done).extracting(Timed::status).containsOnly(200);
    // one slot: each starts only when the one before it has finished, so finishing order is serving order
    for (int i = 1; i < done.size(); i++) {
      assertThat(done.get(i).doneNanos()).isGreaterThan(done.get(i - 1).doneNanos());
    }
    assertThat(fixture.backend.hits()).isEqualTo(6);
  }

  @Test
  void aRequestWaitsNoLongerThanUpstreamTimeout() throws Exception {
    fixture = BalancerFixture.start(TestSettings.balancer().maxConcurrent(1).queue(5)
        .upstreamTimeout(Duration.ofSeconds(10)).build());
    CompletableFuture<Timed> busy = request("/sleep/2500");
    BalancerTest.awaitTrue(() -> fixture.backend.active.get() == 1);
    // a request joining the queue from now on waits at most this; the one in flight keeps its own timeout
    fixture.balancer.reconfigure(TestSettings.balancer().maxConcurrent(1).queue(5)
        .upstreamTimeout(Duration.ofMillis(500)).build());

    Timed waited = request("/headers").join();

    assertThat(waited.status()).isEqualTo(503);
    assertThat(waited.answer().header("Retry-After")).isEqualTo("1");
    assertThat(waited.millis()).isBetween(400L, 2000L);
    assertThat(fixture.balancer.metrics().queueRejectedCount()).isEqualTo(1);
    assertThat(busy.join().status()).isEqualTo(200);
    assertThat(fixture.backend.hits()).isEqualTo(1);
  }

  @Test
  void aWaitingRequestWhoseClientLeftIsDroppedFromTheQueue() throws Exception {
    fixture = BalancerFixture.start(TestSettings.balancer().maxConcurrent(1).queue(1).build());
    CompletableFuture<Timed> busy = request("/sleep/1500");
    BalancerTest.awaitTrue(() -> fixture.backend.active.get() == 1);

    try (RawConnection leaving = fixture.connect()) {
      leaving.send("GET /headers?left HTTP/1.1\r\nHost: x\r\n\r\n");
      BalancerTest.awaitTrue(() -> fixture.balancer.metrics().inFlightCount() == 2); // queued
    }
    BalancerTest.awaitTrue(() -> fixture.balancer.metrics().inFlightCount() == 1); // and gone from the queue
    // the one place in the queue is free again: this one waits instead of getting 503
    CompletableFuture<Timed> next = request("/headers?next");

    assertThat(busy.join().status()).isEqualTo(200);
    assertThat(next.join().status()).isEqualTo(200);
    assertThat(fixture.backend.hits()).as("the request whose client left never reached the backend").isEqualTo(2);
    assertThat(fixture.balancer.metrics().queueRejectedCount()).isZero();
    long t0 = System.nanoTime();
    fixture.balancer.stop(Duration.ofSeconds(5));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0))
        .as("nothing left in flight: the dropped request was ended").isLessThan(2000);
  }

  @Test
  void aRequestWithAPipelinedSuccessorIsKeptWhileWaiting() throws Exception {
    fixture = BalancerFixture.start(TestSettings.balancer().maxConcurrent(1).queue(5).build());
    CompletableFuture<Timed> busy = request("/sleep/600");
    BalancerTest.awaitTrue(() -> fixture.backend.active.get() == 1);

    RawConnection pipelining = fixture.connect();
    pipelining.send("GET /headers?one HTTP/1.1\r\nHost: x\r\n\r\nGET /headers?two HTTP/1.1\r\nHost: x\r\n\r\n");

    assertThat(pipelining.read().status()).isEqualTo(200);
    assertThat(pipelining.read().status()).isEqualTo(200);
    assertThat(busy.join().status()).isEqualTo(200);
    assertThat(fixture.backend.hits()).isEqualTo(3);
  }

  @Test
  void maxConcurrentAndQueueChangeLive() throws Exception {
    fixture = BalancerFixture.start(TestSettings.balancer().maxConcurrent(1).queue(0).build());
    CompletableFuture<Timed> busy = request("/sleep/300");
    BalancerTest.awaitTrue(() -> fixture.backend.active.get() == 1);
    assertThat(request("/headers").join().status()).as("no queue: refused").isEqualTo(503);
    busy.join();

    fixture.balancer.reconfigure(TestSettings.balancer().maxConcurrent(1).queue(3).build());
    List<CompletableFuture<Timed>> queued = new ArrayList<>();
    queued.add(request("/sleep/1500"));
    BalancerTest.awaitTrue(() -> fixture.backend.active.get() == 1);
    queued.add(request("/sleep/1000"));
    queued.add(request("/sleep/1000"));
    BalancerTest.awaitTrue(() -> fixture.balancer.metrics().inFlightCount() == 3);
    assertThat(fixture.backend.active.get()).as("two of three wait").isEqualTo(1);

    long t0 = System.nanoTime();
    fixture.balancer.reconfigure(TestSettings.balancer().maxConcurrent(3).queue(0).build());
    BalancerTest.awaitTrue(() -> fixture.backend.active.get() == 3);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("waiters start at once").isLessThan(500);
    assertThat(request("/headers").join().status()).as("3 in flight, no queue").isEqualTo(503);

    assertThat(queued.stream().map(CompletableFuture::join).map(Timed::status)).containsOnly(200);
    assertThat(fixture.balancer.metrics().queueRejectedCount()).isEqualTo(2);
  }

  @Test
  void everySlotComesBackAfterABusyWhile() {
    fixture = BalancerFixture.start(TestSettings.balancer().maxConcurrent(3).queue(1000).build());
    List<CompletableFuture<Timed>> load = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      load.add(request(i % 3 == 0 ? "/sleep/5" : "/"));
    }
    assertThat(load.stream().map(CompletableFuture::join).map(Timed::status)).containsOnly(200);

    fixture.balancer.reconfigure(TestSettings.balancer().maxConcurrent(3).queue(0).build());
    // a slot comes back when its exchange completes, a moment after the client has the answer: a few tries
    List<Integer> statuses = List.of();
    for (int i = 0; i < 10 && !statuses.equals(List.of(200, 200, 200)); i++) {
      List<CompletableFuture<Timed>> three =
          List.of(request("/sleep/200"), request("/sleep/200"), request("/sleep/200"));
      statuses = three.stream().map(CompletableFuture::join).map(Timed::status).toList();
    }
    assertThat(statuses).as("three slots free at once again").containsOnly(200);
  }

  /** GET {@code path} on a connection of its own, closed after the answer. */
  private CompletableFuture<Timed> request(String path) {
    return CompletableFuture.supplyAsync(() -> {
      try (RawConnection c = new RawConnection(fixture.address())) {
        long t0 = System.nanoTime();
        c.send("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        RawConnection.Answer answer = c.read();
        long t1 = System.nanoTime();
        return new Timed(answer, TimeUnit.NANOSECONDS.toMillis(t1 - t0), t1);
      }
    }, clients);
  }
}
