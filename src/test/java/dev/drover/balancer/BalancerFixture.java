package dev.drover.balancer;

import dev.drover.config.BalancerSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A started balancer in front of in-process backends; closing it stops everything it started or was given. */
final class BalancerFixture implements AutoCloseable {
  final Balancer balancer;
  final TestBackend backend;
  private final List<RawConnection> connections = new CopyOnWriteArrayList<>();
  private final List<TestBackend> backends = new ArrayList<>();

  private BalancerFixture(BalancerSettings settings) {
    backend = TestBackend.start("a");
    backends.add(backend);
    balancer = new Balancer(settings, (id, reason) -> { });
    balancer.admit(backend.id, backend.uri());
    balancer.start();
  }

  /** A balancer with {@code settings} in front of one backend, {@link #backend}. */
  static BalancerFixture start(BalancerSettings settings) {
    return new BalancerFixture(settings);
  }

  InetSocketAddress address() {
    return balancer.boundAddress();
  }

  RawConnection connect() {
    return track(new RawConnection(address()));
  }

  RawConnection connectFrom(InetAddress from) {
    return track(new RawConnection(address(), from));
  }

  private RawConnection track(RawConnection c) {
    connections.add(c);
    return c;
  }

  @Override
  public void close() {
    for (RawConnection c : connections) {
      c.close();
    }
    balancer.stop(Duration.ofSeconds(2));
    for (TestBackend b : backends) {
      b.close();
    }
  }
}
