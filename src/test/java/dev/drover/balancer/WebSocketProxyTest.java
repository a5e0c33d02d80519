package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xnio.Options;

/**
 * WebSocket through the balancer to a real Undertow WebSocket server, with the JDK's WebSocket client: the
 * handshake, messages both ways, the per-IP connection limit, idle_timeout, and stop.
 */
class WebSocketProxyTest {
  private Undertow echo;
  private Balancer balancer;
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void tearDown() {
    if (balancer != null) {
      balancer.stop(Duration.ofSeconds(2));
    }
    if (echo != null) {
      echo.stop();
    }
  }

  private void start(TestSettings settings) {
    echo = Undertow.builder()
        .addHttpListener(0, "127.0.0.1")
        .setIoThreads(1)
        .setWorkerOption(Options.WORKER_NAME, "test-ws-echo")
        .setHandler(Handlers.websocket((exchange, channel) -> {
          channel.getReceiveSetter().set(new AbstractReceiveListener() {
            @Override
            protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage message) {
              WebSockets.sendText("echo " + message.getData(), ch, null);
            }
          });
          channel.resumeReceives();
        }))
        .build();
    echo.start();
    int port = ((InetSocketAddress) echo.getListenerInfo().get(0).getAddress()).getPort();
    balancer = new Balancer(settings.build(), (id, reason) -> { });
    balancer.admit("ws", URI.create("http://127.0.0.1:" + port));
    balancer.start();
  }

  /** A client that queues what it receives, and "closed" when the other side closes. */
  private static final class Client implements WebSocket.Listener {
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      received.add(data.toString());
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed.complete(-1);
    }
  }

  private WebSocket connect(Client client) throws Exception {
    URI uri = URI.create("ws://127.0.0.1:" + balancer.boundAddress().getPort() + "/ws");
    return http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(uri, client).get(10, TimeUnit.SECONDS);
  }

  @Test
  void messagesGoBothWaysThroughTheBalancer() throws Exception {
    start(TestSettings.balancer());
    Client client = new Client();
    WebSocket ws = connect(client);

    for (int i = 0; i < 3; i++) {
      ws.sendText("hello " + i, true).get(5, TimeUnit.SECONDS);
      assertThat(client.received.poll(5, TimeUnit.SECONDS)).isEqualTo("echo hello " + i);
    }
    // the tunnel's backend connection is never handed to a plain request
    try (RawConnection plain = new RawConnection(balancer.boundAddress())) {
      for (int i = 0; i < 3; i++) {
        assertThat(plain.send("GET /plain HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(404);
      }
    }
    ws.sendText("after", true).get(5, TimeUnit.SECONDS);
    assertThat(client.received.poll(5, TimeUnit.SECONDS)).isEqualTo("echo after");
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
    assertThat(client.closed.get(5, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
    BalancerTest.awaitTrue(() -> balancer.inFlight("ws") == 0); // the tunnel's end reaches the backend side a moment later
  }

  @Test
  void anOpenWebSocketCountsAgainstMaxConnectionsPerIp() throws Exception {
    start(TestSettings.balancer().maxConnectionsPerIp(2));
    Client a = new Client();
    Client b = new Client();
    WebSocket first = connect(a);
    WebSocket second = connect(b);
    second.sendText("still here", true).get(5, TimeUnit.SECONDS);
    assertThat(b.received.poll(5, TimeUnit.SECONDS)).isEqualTo("echo still here");

    try (RawConnection third = new RawConnection(balancer.boundAddress())) {
      assertThat(third.closedWithin(Duration.ofSeconds(2))).as("a third connection from the same address").isTrue();
    }
    first.sendText("and here", true).get(5, TimeUnit.SECONDS);
    assertThat(a.received.poll(5, TimeUnit.SECONDS)).isEqualTo("echo and here");
  }

  @Test
  void anIdleWebSocketIsClosedAfterIdleTimeout() throws Exception {
    start(TestSettings.balancer().idleTimeout(Duration.ofSeconds(1)));
    Client client = new Client();
    WebSocket ws = connect(client);
    ws.sendText("once", true).get(5, TimeUnit.SECONDS);
    assertThat(client.received.poll(5, TimeUnit.SECONDS)).isEqualTo("echo once");

    long t0 = System.nanoTime();
    client.closed.get(5, TimeUnit.SECONDS);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(millis).isBetween(500L, 4000L);
  }

  @Test
  void anOpenWebSocketHoldsItsBackendInFlightAndStopClosesIt() throws Exception {
    start(TestSettings.balancer());
    Client client = new Client();
    WebSocket ws = connect(client);
    ws.sendText("hi", true).get(5, TimeUnit.SECONDS);
    assertThat(client.received.poll(5, TimeUnit.SECONDS)).isEqualTo("echo hi");
    // a reload waits for the backend's requests in flight before it stops the worker: the tunnel is one
    assertThat(balancer.inFlight("ws")).isEqualTo(1);

    balancer.stop(Duration.ofMillis(500));
    assertThat(client.closed.get(5, TimeUnit.SECONDS)).isNotNull();
    balancer = null;
  }
}
