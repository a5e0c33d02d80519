package dev.drover.supervisor;

import dev.drover.config.Config;
import dev.drover.config.ConfigException;
import dev.drover.config.DroverException;
import dev.drover.config.RunLayout;
import dev.drover.config.Settings;
import dev.drover.config.WorkerSpec;
import dev.drover.runtime.WorkerLauncher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The state the arbiter thread owns, and its verbs: start, reap, restart, probe, recycle, drain, scale, reload,
 * stop. Never touched from another thread. The policies it applies live in small parts beside it
 * ({@link RestartPolicy}, {@link Watchdog}, {@link Recycler}, {@link Rollout}, {@link Timers}, {@link Ports}),
 * over an injected monotonic {@link Clock} and core count, so each can be tested without processes or waiting.
 */
final class Arbiter {
  /** Spawns per tick while starting: a stop or Ctrl+C between two batches is seen at once. */
  static final int SPAWNS_PER_TICK = 8;

  final CompletableFuture<Void> started = new CompletableFuture<>();
  Supervisor.Progress progress = (ready, total) -> { };

  private final Supplier<Config> reloadFrom;
  private final Supervisor.Launchers launchers;
  private final Backends backends;
  private final RunLayout layout;
  private final EventLog log;
  private final Consumer<Runnable> inbox;
  private final BiConsumer<Worker, Consumer<Boolean>> prober;
  private final Clock clock;
  private final Capacity machine;
  private final int cores;
  private final long startedAtMillis;
  private final Map<Integer, Slot> slots = new TreeMap<>();
  private final List<Worker> retiring = new ArrayList<>();
  private final Timers timers = new Timers();
  private final Recycler recycler = new Recycler();
  private final Ports ports = new Ports();

  private Config config;
  private WorkerLauncher launcher;
  private int generation = 1;
  private int desired;
  private ClusterState state = ClusterState.STARTING;
  private long stopDeadlineMillis = -1;
  private Rollout rollout;

  Arbiter(Config config, Supplier<Config> reloadFrom, Supervisor.Launchers launchers, Backends backends,
      RunLayout layout, EventLog log, Consumer<Runnable> inbox, BiConsumer<Worker, Consumer<Boolean>> prober,
      Clock clock, Capacity machine) {
    this.config = config;
    this.reloadFrom = reloadFrom;
    this.launchers = launchers;
    this.backends = backends;
    this.layout = layout;
    this.log = log;
    this.inbox = inbox;
    this.prober = prober;
    this.clock = clock;
    this.machine = machine;
    this.cores = machine.cores();
    this.startedAtMillis = clock.millis();
    this.launcher = launchers.forSettings(config.settings());
    this.desired = config.settings().cluster().workers().count(cores);
  }

  private Settings settings() {
    return config.settings();
  }

  int desired() {
    return desired;
  }

  int generation() {
    return generation;
  }

  Collection<Slot> slots() {
    return slots.values();
  }

  Slot slot(int id) {
    return slots.get(id);
  }

  boolean fixedPorts() {
    return settings().cluster().hasFixedPorts();
  }

  boolean anyRetiring() {
    return !retiring.isEmpty();
  }

  /** Whether a worker is still coming up, so the loop must tick at the starting probe's pace. */
  boolean anyStarting() {
    for (Slot slot : slots.values()) {
      if (slot.current == null && slot.restartAtMillis >= 0 && state == ClusterState.STARTING) {
        return true;
      }
      for (Worker w : slot.workers()) {
        if (w.state == WorkerState.STARTING) {
          return true;
        }
      }
    }
    return false;
  }

  boolean finished() {
    return state == ClusterState.STOPPED;
  }

  // ---- start -------------------------------------------------------------------------------------------

  /** Creates the slots; their workers are spawned by the next ticks, a batch at a time. */
  void startAll() {
    log.info("starting " + desired + " workers (environment " + config.env() + ", app " + settings().app() + ")");
    long now = clock.millis();
    for (int id = 1; id <= desired; id++) {
      Slot slot = new Slot(id);
      slot.restartAtMillis = now;
      slots.put(id, slot);
    }
  }

  /** Starts a worker for the slot; a launch that throws is that worker's failure, never the loop's. */
  private Worker spawn(Slot slot) {
    int port = ports.next(settings().cluster().basePort(), slot.id, this::portsInUse);
    WorkerSpec spec = new WorkerSpec(slot.id, generation, "127.0.0.1", port, config.env(),
        layout.projectDir().toString(), settings().app(), settings().appClasspath(), settings().staticRoot(),
        settings().logLevel(), 1, settings().cluster().threads(), settings().cluster().gracefulTimeout().toMillis(),
        settings().appSettings());
    Worker w;
    try {
      w = new Worker(slot.id, generation, port, launcher.launch(spec, settings().secrets()), clock.millis());
    } catch (RuntimeException e) {
      launchFailed(slot, e);
      return null;
    }
    w.version = launcher.version();
    int budget = settings().cluster().maxRequests();
    if (budget > 0) {
      int jitter = settings().cluster().maxRequestsJitter();
      w.requestBudget = budget + (jitter > 0 ? ThreadLocalRandom.current().nextInt(jitter + 1) : 0);
    }
    w.process.onExit().thenAccept(code -> inbox.accept(() -> exited(w, code)));
    log.info("spawned " + w);
    return w;
  }

  private void launchFailed(Slot slot, RuntimeException e) {
    String why = e.getMessage() == null ? e.toString() : e.getMessage();
    slot.lastExit = "cannot be launched: " + why;
    log.error("worker " + slot.id + " " + slot.lastExit);
    RestartPolicy.afterExit(slot, clock.millis(), true, clock.millis());
    if (!started.isDone()) {
      failStart(new DroverException("worker " + slot.id + " " + slot.lastExit, e));
    }
  }

  private java.util.Set<Integer> portsInUse() {
    java.util.Set<Integer> used = new java.util.HashSet<>();
    for (Slot slot : slots.values()) {
      slot.workers().forEach(w -> used.add(w.port));
    }
    retiring.forEach(w -> used.add(w.port));
    return used;
  }

  // ---- events ------------------------------------------------------------------------------------------

  private void answered(Worker w, boolean ok) {
    w.probing = false;
    if (!ok || w.exited()) {
      return;
    }
    w.lastAnswerMillis = clock.millis();
    if (w.state == WorkerState.STARTING) {
      ready(w);
    }
  }

  private void ready(Worker w) {
    w.state = WorkerState.READY;
    Slot slot = slots.get(w.id);
    backends.admit(w.backendId(), Supervisor.address(w));
    if (slot != null && slot.next == w) {
      retire(slot.current);
      slot.current = w;
      slot.next = null;
    }
    if (slot != null) {
      slot.quickExits = 0;
      slot.failed = false;
    }
    log.info(w + " ready in " + (clock.millis() - w.startedAtMillis) + " ms");
    if (!started.isDone()) {
      int ready = (int) slots.values().stream().filter(s -> s.current != null && s.current.state == WorkerState.READY).count();
      progress.workersReady(ready, desired);
      if (ready == desired) {
        state = ClusterState.RUNNING;
        started.complete(null);
      }
    }
  }

  private void exited(Worker w, int code) {
    WorkerState was = w.state;
    w.state = code == ExitReasons.BOOT_ERROR ? WorkerState.FAILED : WorkerState.STOPPED;
    backends.remove(w.backendId());
    retiring.remove(w);
    Slot slot = slots.get(w.id);
    String reason = ExitReasons.describe(code, layout.workerLog(w.id));
    if (was == WorkerState.DRAINING || slot == null || (slot.current != w && slot.next != w)) {
      log.info(w + " stopped: " + reason);
      return;
    }
    slot.lastExit = reason;
    if (state == ClusterState.STOPPING) {
      log.info(w + " stopped: " + reason);
      return;
    }
    log.warn(w + " exited unexpectedly: " + reason);
    if (slot.next == w) {
      slot.next = null;
      newWorkerLost(slot, w, code, reason);
      return;
    }
    slot.current = null;
    if (!started.isDone() && code == ExitReasons.BOOT_ERROR) {
      failStart(new DroverException("worker " + w.id + " failed to start: " + reason));
      return;
    }
    if (RestartPolicy.afterExit(slot, w.startedAtMillis, code == ExitReasons.BOOT_ERROR, clock.millis())) {
      log.error("worker " + slot.id + " failed (" + RestartPolicy.failure(slot) + "); retrying in "
          + RestartPolicy.FAILED_RETRY_MILLIS / 1000 + "s");
      if (!started.isDone()) {
        failStart(new DroverException("worker " + slot.id + " keeps failing: " + slot.lastExit));
      }
    }
  }

  /** A replacement exited before it was ready: a reload goes on without it, or gives up. */
  private void newWorkerLost(Slot slot, Worker w, int code, String reason) {
    if (rollout == null) {
      return;
    }
    if (code == ExitReasons.BOOT_ERROR) {
      abortReload("worker " + w.id + " of the new generation cannot boot: " + reason);
    } else if (++rollout.lostWorkers >= RestartPolicy.CRASH_LOOP_EXITS) {
      abortReload(RestartPolicy.CRASH_LOOP_EXITS + " workers of the new generation exited before they were ready, last " + reason);
    } else if (slot.current != null && slot.current.generation != generation) {
      // The slot left the reload's queue when this worker started: without a new one at once the reload
      // would wait forever for a worker that no longer exists. (A slot whose current worker is gone too
      // gets a new-generation one from its restart.)
      slot.next = spawn(slot);
    }
  }

  private void failStart(DroverException why) {
    started.completeExceptionally(why);
    stop(Duration.ZERO);
  }

  // ---- tick: restart, probe, recycle, drain --------------------------------------------------------------

  void tick() {
    long now = clock.millis();
    int spawned = 0;
    for (Slot slot : slots.values()) {
      boolean due = slot.current == null && slot.restartAtMillis >= 0 && now >= slot.restartAtMillis;
      if (due && state != ClusterState.STOPPING && spawned < SPAWNS_PER_TICK) {
        spawned++;
        if (slot.everStarted) {
          slot.restarts++;
        }
        slot.everStarted = true;
        slot.restartAtMillis = -1;
        slot.current = spawn(slot);
        if (state == ClusterState.STOPPING) {
          break;
        }
      }
      slot.workers().forEach(w -> watch(w, now));
    }
    drain(now);
    if (rollout == null && state != ClusterState.STOPPING && slots.values().stream().noneMatch(s -> s.next != null)) {
      recycler.next(slots.values(), backends, settings().cluster(), now).ifPresent(due -> {
        log.info(due.reason());
        replace(due.slot());
      });
    }
    if (rollout != null && rollout.advance(this)) {
      state = ClusterState.RUNNING;
      Rollout done = rollout;
      rollout = null;
      log.info("reload done: generation " + generation + " serving");
      done.reply.complete(new Supervisor.ReloadResult(done.plan, false, generation, snapshot().workers()));
    }
    timers.runDue(now);
    if (state == ClusterState.STOPPING) {
      stopProgress(now);
    }
  }

  private void watch(Worker w, long now) {
    switch (Watchdog.check(w, settings().cluster().timeout().toMillis(), now)) {
      case HUNG -> {
        log.warn(w + " has not answered for " + Watchdog.timeoutFor(w, settings().cluster().timeout().toMillis())
            + " ms: thread dump to its log, then SIGKILL");
        w.terminateSent = true;
        w.process.dumpThreads();
        timers.at(now + Watchdog.DUMP_GRACE_MILLIS, w.process::kill);
      }
      case PROBE -> {
        w.probing = true;
        w.lastProbeMillis = now;
        prober.accept(w, ok -> answered(w, ok));
      }
      case WAIT -> { }
    }
  }

  /**
   * Replaces one worker on request (the dashboard's restart), the way recycling does: the new one takes over
   * once it answers, so no request is dropped. Answers with the snapshot once the slot is settled.
   */
  void restartWorker(int id, CompletableFuture<ClusterSnapshot> reply) {
    Slot slot = slots.get(id);
    if (state != ClusterState.RUNNING || rollout != null) {
      reply.completeExceptionally(new DroverException("cannot restart a worker while " + (rollout != null ? "reloading" : state)));
      return;
    }
    if (slot == null || slot.current == null || slot.next != null || slot.current.state != WorkerState.READY) {
      reply.completeExceptionally(new DroverException("worker " + id + " is not a ready worker; see status"));
      return;
    }
    log.info(slot.current + " restart requested");
    replace(slot);
    timers.when(this::settled, () -> reply.complete(snapshot()));
  }

  /**
   * Replaces a slot's worker. With free ports the new one starts beside the old and takes over once it
   * answers; with fixed ports (base_port) the old one must drain and go first, so its port is free.
   */
  void replace(Slot slot) {
    if (fixedPorts() && slot.current != null) {
      Worker old = slot.current;
      retire(old);
      slot.current = null;
      old.process.onExit().thenRun(() -> inbox.accept(() -> {
        if (slot.current == null && state != ClusterState.STOPPING) {
          slot.current = spawn(slot);
        }
      }));
    } else {
      slot.next = spawn(slot);
    }
  }

  private void retire(Worker w) {
    if (w == null || w.exited()) {
      return;
    }
    backends.retire(w.backendId());
    w.state = WorkerState.DRAINING;
    w.drainDeadlineMillis = clock.millis() + settings().cluster().gracefulTimeout().toMillis();
    retiring.add(w);
  }

  private void drain(long now) {
    long grace = settings().cluster().gracefulTimeout().toMillis();
    for (Worker w : new ArrayList<>(retiring)) {
      boolean idle = backends.inFlight(w.backendId()) == 0;
      if (!w.terminateSent && (idle || now >= w.drainDeadlineMillis)) {
        w.terminateSent = true;
        w.process.terminate();
      } else if (w.terminateSent && now >= w.drainDeadlineMillis + grace + 5_000) {
        w.process.kill();
      }
    }
  }

  // ---- commands ----------------------------------------------------------------------------------------

  ClusterSnapshot snapshot() {
    long now = clock.millis();
    List<WorkerSnapshot> rows = new ArrayList<>();
    for (Slot slot : slots.values()) {
      Worker w = slot.current;
      if (w == null) {
        rows.add(new WorkerSnapshot(slot.id, generation, 0, 0, slot.failed ? "failed" : "starting", 0,
            slot.restarts, 0, 0, -1, slot.lastExit, ""));
        continue;
      }
      rows.add(row(slot, w, now));
    }
    for (Worker w : retiring) {
      rows.add(row(null, w, now));
    }
    return new ClusterSnapshot(state.toString(), config.env(), settings().balancer().listen().toString(),
        ProcessHandle.current().pid(), (now - startedAtMillis) / 1000, generation, desired,
        settings().cluster().gracefulTimeout().toMillis(), rows);
  }

  private WorkerSnapshot row(Slot slot, Worker w, long now) {
    return new WorkerSnapshot(w.id, w.generation, w.process.pid(), w.port, w.state.toString(),
        (now - w.startedAtMillis) / 1000, slot == null ? 0 : slot.restarts, backends.requests(w.backendId()),
        backends.inFlight(w.backendId()), w.process.rssBytes(), slot == null ? "" : slot.lastExit, w.version);
  }

  void scale(int workers, boolean force, CompletableFuture<ClusterSnapshot> reply) {
    if (state == ClusterState.STOPPING || state == ClusterState.STOPPED) {
      reply.completeExceptionally(new DroverException("cannot scale while " + state));
      return;
    }
    if (workers > desired) {
      try {
        machine.check(workers, settings().cluster().jvmOptions(), force);
      } catch (DroverException e) {
        reply.completeExceptionally(e);
        return;
      }
    }
    int before = desired;
    desired = workers;
    long now = clock.millis();
    for (int id = before + 1; id <= workers; id++) {
      Slot slot = slots.computeIfAbsent(id, Slot::new);
      if (slot.current == null) {
        slot.restartAtMillis = now;
      }
    }
    for (int id = before; id > workers; id--) {
      Slot slot = slots.remove(id);
      if (slot != null) {
        retire(slot.current);
        retire(slot.next);
      }
    }
    log.info("scaling from " + before + " to " + workers + " workers");
    timers.when(this::settled, () -> reply.complete(snapshot()));
  }

  /** Every slot has a ready (or failed) worker and nothing is starting or draining. */
  private boolean settled() {
    return slots.values().stream().allMatch(s -> s.next == null && s.current != null
        && (s.current.state == WorkerState.READY || s.failed)) && retiring.isEmpty();
  }

  void reload(boolean dryRun, boolean force, CompletableFuture<Supervisor.ReloadResult> reply) {
    if (rollout != null || state != ClusterState.RUNNING) {
      reply.completeExceptionally(new DroverException("cannot reload while " + state));
      return;
    }
    Config next;
    try {
      next = reloadFrom.get();
    } catch (ConfigException e) {
      log.warn("reload refused, settings invalid; the running workers are untouched:\n" + e.getMessage());
      reply.completeExceptionally(e);
      return;
    }
    int count = next.settings().cluster().workers().count(cores);
    try {
      machine.check(count, next.settings().cluster().jvmOptions(), force);
    } catch (DroverException e) {
      log.warn("reload refused; the running workers are untouched: " + e.getMessage());
      reply.completeExceptionally(e);
      return;
    }
    ReloadPlan plan = ReloadPlan.between(config, next);
    if (dryRun) {
      reply.complete(Supervisor.ReloadResult.dryRun(plan, generation));
      return;
    }
    // Always, not only when a key changed: a renewed certificate is usually new bytes under the same path.
    try {
      backends.reconfigure(next.settings().balancer());
    } catch (ConfigException e) {
      log.warn("reload refused, the balancer cannot apply the settings; nothing changed:\n" + e.getMessage());
      reply.completeExceptionally(e);
      return;
    }
    plan.describe().forEach(line -> log.info("reload: " + line));
    rollout = new Rollout(config, generation, launcher, reply, plan,
        slots.keySet().stream().filter(id -> id <= count).toList());
    config = next;
    launcher = launchers.forSettings(next.settings());
    generation++;
    state = ClusterState.RELOADING;
    if (count != desired) {
      scale(count, true, new CompletableFuture<>());
    }
  }

  private void abortReload(String why) {
    log.error("reload aborted: " + why + "; the previous workers keep serving");
    for (Slot slot : slots.values()) {
      if (slot.next != null) {
        Worker w = slot.next;
        slot.next = null;
        w.state = WorkerState.STOPPED;
        w.process.kill();
      }
    }
    config = rollout.previousConfig;
    try {
      backends.reconfigure(config.settings().balancer());
    } catch (ConfigException e) {
      log.error("could not restore the balancer's previous settings: " + e.getMessage());
    }
    generation = rollout.previousGeneration;
    launcher = rollout.previousLauncher;
    state = ClusterState.RUNNING;
    rollout.reply.completeExceptionally(new DroverException("reload failed: " + why));
    rollout = null;
  }

  void stop(Duration timeout) {
    if (state == ClusterState.STOPPING || state == ClusterState.STOPPED) {
      return;
    }
    log.info("stopping: draining in-flight requests, then SIGTERM");
    state = ClusterState.STOPPING;
    if (rollout != null) {
      rollout.reply.completeExceptionally(new DroverException("the cluster is stopping"));
      rollout = null;
    }
    Duration grace = timeout != null ? timeout : settings().cluster().gracefulTimeout();
    stopDeadlineMillis = clock.millis() + grace.toMillis();
    for (Slot slot : slots.values()) {
      slot.restartAtMillis = -1;
      for (Worker w : slot.workers()) {
        retire(w);
        w.drainDeadlineMillis = stopDeadlineMillis;
      }
    }
    if (!started.isDone()) {
      started.completeExceptionally(new DroverException("stopped before every worker was ready"));
    }
  }

  /** Stopped once every worker has exited and its exit has been reaped (and logged) by this thread. */
  private void stopProgress(long now) {
    if (retiring.isEmpty()) {
      state = ClusterState.STOPPED;
      log.info("stopped");
      return;
    }
    if (now > stopDeadlineMillis + 5_000) {
      retiring.stream().filter(w -> w.process.isAlive() && !w.killSent).forEach(w -> {
        log.warn(w + " did not stop in time: SIGKILL");
        w.killSent = true;
        w.process.kill();
      });
    }
  }

  /** Last resort when the loop itself dies: no worker may outlive its supervisor. */
  void killAll() {
    for (Slot slot : slots.values()) {
      slot.workers().forEach(w -> w.process.kill());
    }
    retiring.forEach(w -> w.process.kill());
  }
}
