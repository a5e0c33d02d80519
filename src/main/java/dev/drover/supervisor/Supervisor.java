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

  private final BlockingQueue<Request> inbox = new LinkedBlockingQueue<>();
  private final ExecutorService probes = Executors.newFixedThreadPool(2, daemon("drover-probe"));
  private final Arbiter arbiter;
  private final EventLog log;
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  /** Set once when the loop dies: from then on every request is answered with it at once. */
  private volatile DroverException died;

  /**
   * @param config     the settings the cluster starts with
   * @param reloadFrom re-reads and validates the settings on reload; throws ConfigException when invalid
   * @param launchers  the launcher for a given settings (worker JVM options may change on reload)
   * @param backends   the balancer's pool
   * @param log        where the supervisor's log lines go
   */
  public Supervisor(Config config, Supplier<Config> reloadFrom, Launchers launchers, Backends backends,
      RunLayout layout, EventLog log) {
    this(config, reloadFrom, launchers, backends, layout, log, Clock.system(), Capacity.ofThisMachine());
  }

  /** As above, with the clock and the machine given: for tests of deadlines and sizes. */
  Supervisor(Config config, Supplier<Config> reloadFrom, Launchers launchers, Backends backends,
      RunLayout layout, EventLog log, Clock clock, Capacity machine) {
    this.log = log;
    this.arbiter = new Arbiter(config, reloadFrom, launchers, backends, layout, log, this::enqueue, this::probe,
        clock, machine);
  }

  /**
   * Runs the arbiter loop on the calling thread until the cluster has stopped. If the loop itself fails (a
   * launch that throws, a bug), that is terminal: every worker is killed, start and stop complete with the
   * cause, every request queued or still to come is answered with it, and this returns.
   */
  public void run() {
    try {
      arbiter.startAll();
      while (!arbiter.finished()) {
        long wait = arbiter.anyStarting() ? Watchdog.STARTING_PROBE_MILLIS : TICK_MILLIS;
        Request request = inbox.poll(wait, TimeUnit.MILLISECONDS);
        while (request != null) {
          request.work().run();
          request = inbox.poll();
        }
        arbiter.tick();
      }
      stopped.complete(null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      die(new DroverException("the supervisor was interrupted", e));
    } catch (RuntimeException | Error e) {
      die(e instanceof DroverException d ? d : new DroverException("internal error in the supervisor: " + e, e));
    } finally {
      probes.shutdownNow();
    }
  }

  private void die(DroverException why) {
    died = why;
    log.error("the supervisor cannot go on, stopping every worker: " + why.getMessage());
    try {
      arbiter.killAll();
    } finally {
      arbiter.started.completeExceptionally(why);
      stopped.completeExceptionally(why);
      failQueued();
    }
  }

  /** Answers every request still in the inbox with the loop's cause of death. */
  private void failQueued() {
    for (Request request = inbox.poll(); request != null; request = inbox.poll()) {
      if (request.reply() != null) {
        request.reply().completeExceptionally(died);
      }
    }
  }

  /** Completes when every worker of the first generation is ready, or fails with why one could not start. */
  public CompletableFuture<Void> started() {
    return arbiter.started;
  }

  public CompletableFuture<Void> stopped() {
    return stopped;
  }

  /** Told how many workers are ready of how many while the cluster comes up. */
  public void onProgress(Progress listener) {
    arbiter.progress = listener;
  }

  /** Start-up progress: {@code ready} of {@code total} workers answer. */
  @FunctionalInterface
  public interface Progress {
    void workersReady(int ready, int total);
  }

  public CompletableFuture<ClusterSnapshot> status() {
    return ask(arbiter::snapshot);
  }

  /** Re-reads settings; invalid → fails with the ConfigException and changes nothing. */
  public CompletableFuture<ReloadResult> reload(boolean dryRun) {
    return reload(dryRun, false);
  }

  /** As {@link #reload(boolean)}; {@code force} lets a worker count past the machine's sanity limit through. */
  public CompletableFuture<ReloadResult> reload(boolean dryRun, boolean force) {
    CompletableFuture<ReloadResult> reply = new CompletableFuture<>();
    enqueue(() -> arbiter.reload(dryRun, force, reply), reply);
    return reply;
  }

  public CompletableFuture<ClusterSnapshot> scale(int workers) {
    return scale(workers, false);
  }

  /** Grows or shrinks the cluster; {@code force} lets a count past the machine's sanity limit through. */
  public CompletableFuture<ClusterSnapshot> scale(int workers, boolean force) {
    CompletableFuture<ClusterSnapshot> reply = new CompletableFuture<>();
    if (workers < 1 || workers > dev.drover.config.Workers.MAX) {
      reply.completeExceptionally(new DroverException("scale takes a worker count from 1 to "
          + dev.drover.config.Workers.MAX + ", got " + workers));
      return reply;
    }
    enqueue(() -> arbiter.scale(workers, force, reply), reply);
    return reply;
  }

  /** Replaces one worker by a fresh one without dropping a request; completes once the new one serves. */
  public CompletableFuture<ClusterSnapshot> restartWorker(int id) {
    CompletableFuture<ClusterSnapshot> reply = new CompletableFuture<>();
    enqueue(() -> arbiter.restartWorker(id, reply), reply);
    return reply;
  }

  /** Graceful stop: stop routing, drain up to the timeout, TERM, KILL stragglers. Completes when all are gone. */
  public CompletableFuture<Void> stop(Duration timeout) {
    enqueue(() -> arbiter.stop(timeout), stopped);
    return stopped;
  }

  /** A POSIX signal's meaning, as gunicorn's: TERM/INT stop, HUP reload, TTIN/TTOU one worker more/less. */
  public void signal(String name) {
    switch (name) {
      case "TERM", "INT" -> enqueue(() -> arbiter.stop(null));
      case "HUP" -> reload(false).whenComplete((r, e) -> { });
      case "TTIN" -> enqueue(() -> arbiter.scale(arbiter.desired() + 1, false, new CompletableFuture<>()));
      case "TTOU" -> enqueue(() -> arbiter.scale(Math.max(1, arbiter.desired() - 1), false, new CompletableFuture<>()));
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
    }, reply);
    if (stopped.isDone() && !reply.isDone()) {
      reply.completeExceptionally(new DroverException("the cluster has stopped"));
    }
    return reply;
  }

  private void enqueue(Runnable work) {
    enqueue(work, null);
  }

  /** Queues work for the loop; {@code reply}, if any, is failed instead should the loop be dead or die first. */
  private void enqueue(Runnable work, CompletableFuture<?> reply) {
    inbox.add(new Request(work, reply));
    if (died != null) {
      failQueued();
    }
  }

  private record Request(Runnable work, CompletableFuture<?> reply) {
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
