package dev.drover.dashboard;

import dev.drover.balancer.Metrics;
import dev.drover.config.Secret;
import dev.drover.supervisor.ClusterSnapshot;
import dev.drover.supervisor.Supervisor;
import dev.drover.supervisor.WorkerSnapshot;
import io.undertow.server.HttpHandler;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The dashboard of one running cluster: its pages and JSON for the admin listener, and the sampler that keeps
 * the last minutes of history. Built by the supervisor's composition root, which hands {@link #handler()} to
 * the balancer and closes this when the cluster stops.
 */
public final class Dashboard implements AutoCloseable {
  static final long SAMPLE_MILLIS = 1_000;

  private final Supervisor supervisor;
  private final Metrics metrics;
  private final History history = new History();
  private final Clock clock;
  private final DashboardHandler handler;
  private final RateLimitStorms storms;
  private ScheduledExecutorService sampler;
  private History.Counters last;

  /**
   * @param token the admin token as the settings have it now (a reload may rotate it)
   * @param json  the control protocol's encoder, so the status here is byte for byte what {@code status --json} has
   */
  public Dashboard(Supervisor supervisor, Metrics metrics, Events events, Supplier<Secret> token,
      Function<Object, String> json, Clock clock) {
    this.supervisor = supervisor;
    this.metrics = metrics;
    this.clock = clock;
    this.storms = new RateLimitStorms(events);
    this.handler = new DashboardHandler(supervisor, events, history, new AdminAuth(token, metrics), json);
  }

  public HttpHandler handler() {
    return handler;
  }

  /** Starts sampling once a second, on a thread of its own. */
  public synchronized void start() {
    if (sampler != null) {
      return;
    }
    sampler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "drover-dashboard-sampler");
      t.setDaemon(true);
      return t;
    });
    last = History.Counters.read(metrics, System.nanoTime());
    metrics.takeRateLimitedClients(); // those of before the dashboard started are no storm of now
    sampler.scheduleAtFixedRate(this::sample, SAMPLE_MILLIS, SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void sample() {
    try {
      History.Counters now = History.Counters.read(metrics, System.nanoTime());
      Map<Integer, Long> rss = new HashMap<>();
      try {
        ClusterSnapshot s = supervisor.status().get(SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
        for (WorkerSnapshot w : s.workers()) {
          if (w.rssBytes() > 0 && !w.state().equals("draining")) {
            rss.put(w.id(), w.rssBytes());
          }
        }
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // a busy or stopping supervisor: this second's sample goes without memory figures
      }
      history.add(History.between(last, now, clock.millis(), metrics.inFlightCount(), rss));
      storms.observe(metrics.takeRateLimitedClients(), (now.nanos() - last.nanos()) / 1e9, clock.millis());
      last = now;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // one lost sample must not end the sampling: a scheduled task that throws is never run again
    }
  }

  @Override
  public synchronized void close() {
    if (sampler != null) {
      sampler.shutdownNow();
      sampler = null;
    }
  }
}
