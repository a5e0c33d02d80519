package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drover.config.HostPort;
import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xnio.OptionMap;

/** Against a bare front listener, so the limit's own counts can be looked at; the balancer wires it the same way. */
class PerIpConnectionLimitTest {
  private static final InetAddress FIRST = address("127.0.0.1");
  private static final InetAddress SECOND = address("127.0.0.2");
  private final Metrics metrics = new Metrics();
  private final List<RawConnection> clients = new ArrayList<>();
  private PerIpConnectionLimit limit;
  private FrontListener front;

  @AfterEach
  void tearDown() {
    clients.forEach(RawConnection::close);
    if (front != null) {
      front.close(Duration.ofSeconds(2));
    }
  }

  private void start(TestSettings settings) throws Exception {
    limit = new PerIpConnectionLimit(settings.build(), metrics);
    HttpHandler ok = exchange -> {
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
      exchange.getResponseSender().send("ok");
    };
    front = FrontListener.open(new HostPort("127.0.0.1", 0), 2, OptionMap.EMPTY, ok, "per-ip-test", null, limit);
  }

  private RawConnection connect(InetAddress from) {
    RawConnection c = new RawConnection(front.address(), from);
    clients.add(c);
    return c;
  }

  /** One request on {@code c}, kept open; null when the connection was closed instead. */
  private static Integer ask(RawConnection c) {
    if (!c.trySend("GET / HTTP/1.1\r\nHost: x\r\n\r\n")) {
      return null;
    }
    RawConnection.Answer a = c.read();
    return a == null ? null : a.status();
  }

  @Test
  void connectionsBeyondTheLimitFromOneAddressAreClosedOthersCarryOn() throws Exception {
    start(TestSettings.balancer().maxConnectionsPerIp(2));
    RawConnection one = connect(FIRST);
    RawConnection two = connect(FIRST);
    assertThat(ask(one)).isEqualTo(200);
    assertThat(ask(two)).isEqualTo(200);

    RawConnection three = connect(FIRST);
    RawConnection other = connect(SECOND);

    assertThat(ask(three)).as("closed at accept").isNull();
    assertThat(ask(other)).as("another address has its own count").isEqualTo(200);
    assertThat(metrics.connectionsRejectedCount()).isEqualTo(1);
    assertThat(limit.open(FIRST)).isEqualTo(2);
    assertThat(ask(one)).as("the first two are untouched").isEqualTo(200);

    one.close();
    BalancerTest.awaitTrue(() -> limit.open(FIRST) == 1);
    assertThat(ask(connect(FIRST))).as("a closed connection frees its place").isEqualTo(200);
  }

  @Test
  void anAddressIsForgottenWhenItsLastConnectionCloses() throws Exception {
    start(TestSettings.balancer().maxConnectionsPerIp(3));
    List<RawConnection> open = new ArrayList<>();
    for (InetAddress from : List.of(FIRST, FIRST, SECOND)) {
      RawConnection c = connect(from);
      assertThat(ask(c)).isEqualTo(200);
      open.add(c);
    }
    RawConnection silent = connect(FIRST); // counted from accept, before it sends anything
    BalancerTest.awaitTrue(() -> limit.open(FIRST) == 3);
    assertThat(limit.addresses()).isEqualTo(2);

    open.forEach(RawConnection::close);
    silent.close();

    BalancerTest.awaitTrue(() -> limit.addresses() == 0);
  }

  @Test
  void trustedProxiesAreExempt() throws Exception {
    start(TestSettings.balancer().maxConnectionsPerIp(1).trustedProxies("127.0.0.2/32"));
    for (int i = 0; i < 3; i++) {
      assertThat(ask(connect(SECOND))).isEqualTo(200);
    }
    assertThat(ask(connect(FIRST))).isEqualTo(200);
    assertThat(ask(connect(FIRST))).isNull();
  }

  @Test
  void aLimitSetByAReloadCountsConnectionsAlreadyOpen() throws Exception {
    start(TestSettings.balancer().maxConnectionsPerIp(0));
    List<RawConnection> open = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      RawConnection c = connect(FIRST);
      assertThat(ask(c)).isEqualTo(200);
      open.add(c);
    }

    limit.reconfigure(TestSettings.balancer().maxConnectionsPerIp(2).build());

    assertThat(ask(connect(FIRST))).isNull();
    open.get(0).close();
    open.get(1).close();
    BalancerTest.awaitTrue(() -> limit.open(FIRST) == 1);
    assertThat(ask(connect(FIRST))).isEqualTo(200);
  }

  @Test
  void theBalancerClosesConnectionsBeyondTheLimit() {
    try (BalancerFixture fixture = BalancerFixture.start(TestSettings.balancer().maxConnectionsPerIp(1).build())) {
      RawConnection one = fixture.connect();
      assertThat(ask(one)).isEqualTo(200);
      assertThat(ask(fixture.connect())).isNull();
      assertThat(fixture.balancer.metrics().connectionsRejectedCount()).isEqualTo(1);
    }
  }

  private static InetAddress address(String ip) {
    try {
      return InetAddress.getByName(ip);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

}
