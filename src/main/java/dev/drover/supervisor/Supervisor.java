package dev.drover.supervisor;

import dev.drover.config.Config;
import dev.drover.config.DroverException;
import dev.drover.config.RunLayout;
import dev.drover.config.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The arbiter, after gunicorn's: one thread owns every worker's state. Signals, control requests, process
 * exits and health answers only enqueue work for it; {@link #run()} drains the queue, then reaps, restarts,
 * recycles and drains workers on each tick. Public methods may be called from any thread and answer with
 * futures completed on the arbiter's thread.
 */
public final class Supervisor {
  private static final long TICK_MILLIS = 100;

  private final BlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
  private final ExecutorService probes = Executors.newFixedThreadPool(2, daemon("drover-probe"));
  private final Arbiter arbiter;
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();

  /**
   * @param config     the settings the cluster starts with
   * @param reloadFrom re-reads and validates the settings on reload; throws ConfigException when invalid
   * @param launchers  the launcher for a given settings (worker JVM options may change on reload)
   * @param backends   the balancer's pool
   * @param log        where the supervisor's log lines go
   */
  public Supervisor(Config config, Supplier<Config> reloadFrom, Launchers launchers, Backends backends,
      RunLayout layout, Consumer<String> log) {
    this.arbiter = new Arbiter(config, reloadFrom, launchers, backends, layout, log, this::enqueue, this::probe);
  }

  /** Runs the arbiter loop on the calling thread until the cluster has stopped. */
  public void run() {
    arbiter.startAll();
    try {
      while (!arbiter.finished()) {
        long wait = arbiter.anyStarting() ? Arbiter.STARTING_PROBE_MILLIS : TICK_MILLIS;
        Runnable work = inbox.poll(wait, TimeUnit.MILLISECONDS);
        while (work != null) {
          work.run();
          work = inbox.poll();
        }
        arbiter.tick();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      arbiter.killAll();
    } catch (RuntimeException e) {
      arbiter.killAll();
      throw e;
    } finally {
      probes.shutdownNow();
      stopped.complete(null);
    }
  }

  /** Completes when every worker of the first generation is ready, or fails with why one could not start. */
  public CompletableFuture<Void> started() {
    return arbiter.started;
  }

  public CompletableFuture<Void> stopped() {
    return stopped;
  }

  /** Called with "workers ready 3/5" lines while the cluster comes up. */
  public void onProgress(Consumer<String> listener) {
    arbiter.progress = listener;
  }

  public CompletableFuture<ClusterSnapshot> status() {
    return ask(arbiter::snapshot);
  }

  /** Re-reads settings; invalid → fails with the ConfigException and changes nothing. */
  public CompletableFuture<ReloadResult> reload(boolean dryRun) {
    CompletableFuture<ReloadResult> reply = new CompletableFuture<>();
    enqueue(() -> arbiter.reload(dryRun, reply));
    return reply;
  }

  public CompletableFuture<ClusterSnapshot> scale(int workers) {
    CompletableFuture<ClusterSnapshot> reply = new CompletableFuture<>();
    if (workers < 1 || workers > 1024) {
      reply.completeExceptionally(new DroverException("scale takes a worker count from 1 to 1024, got " + workers));
      return reply;
    }
    enqueue(() -> arbiter.scale(workers, reply));
    return reply;
  }

  /** Replaces one worker by a fresh one without dropping a request; completes once the new one serves. */
  public CompletableFuture<ClusterSnapshot> restartWorker(int id) {
    CompletableFuture<ClusterSnapshot> reply = new CompletableFuture<>();
    enqueue(() -> arbiter.restartWorker(id, reply));
    return reply;
  }

  /** Graceful stop: stop routing, drain up to the timeout, TERM, KILL stragglers. Completes when all are gone. */
  public CompletableFuture<Void> stop(Duration timeout) {
    enqueue(() -> arbiter.stop(timeout));
    return stopped;
  }

  /** A POSIX signal's meaning, as gunicorn's: TERM/INT stop, HUP reload, TTIN/TTOU one worker more/less. */
  public void signal(String name) {
    switch (name) {
      case "TERM", "INT" -> enqueue(() -> arbiter.stop(null));
      case "HUP" -> reload(false).whenComplete((r, e) -> { });
      case "TTIN" -> enqueue(() -> arbiter.scale(arbiter.desired() + 1, new CompletableFuture<>()));
      case "TTOU" -> enqueue(() -> arbiter.scale(Math.max(1, arbiter.desired() - 1), new CompletableFuture<>()));
      default -> { }
    }
  }

  private <T> CompletableFuture<T> ask(Supplier<T> question) {
    CompletableFuture<T> reply = new CompletableFuture<>();
    enqueue(() -> {
      try {
        reply.complete(question.get());
      } catch (RuntimeException e) {
        reply.completeExceptionally(e);
      }
    });
    if (stopped.isDone()) {
      reply.completeExceptionally(new DroverException("the cluster has stopped"));
    }
    return reply;
  }

  private void enqueue(Runnable work) {
    inbox.add(work);
  }

  /** Health checks block on sockets, so they run off the arbiter's thread and report back through the inbox. */
  private void probe(Worker w, Consumer<Boolean> result) {
    probes.execute(() -> {
      boolean ok = HealthProbe.answers("127.0.0.1", w.port, 1000, w.process.pid());
      enqueue(() -> result.accept(ok));
    });
  }

  static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** What a reload did: its plan and the workers now serving. */
  public record ReloadResult(ReloadPlan plan, boolean dryRun, int generation, List<WorkerSnapshot> workers) {
    public ReloadResult {
      workers = List.copyOf(workers);
    }

    static ReloadResult dryRun(ReloadPlan plan, int generation) {
      return new ReloadResult(plan, true, generation, new ArrayList<>());
    }
  }

  /** The launcher for given settings: the worker JVM options are part of the settings a reload may change. */
  public interface Launchers {
    dev.drover.runtime.WorkerLauncher forSettings(Settings settings);
  }

  /** Addresses of workers are loopback: they are never exposed except through the balancer. */
  static URI address(Worker w) {
    return URI.create("http://127.0.0.1:" + w.port);
  }
}
