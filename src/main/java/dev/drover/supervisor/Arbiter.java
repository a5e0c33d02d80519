package dev.drover.supervisor;

import dev.drover.config.Config;
import dev.drover.config.ConfigException;
import dev.drover.config.DroverException;
import dev.drover.config.RunLayout;
import dev.drover.config.Settings;
import dev.drover.config.WorkerSpec;
import dev.drover.runtime.WorkerLauncher;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** The state the arbiter thread owns, and its verbs. Never touched from another thread. */
final class Arbiter {
  private static final int CRASH_LOOP_EXITS = 5;
  private static final long CRASH_LOOP_WINDOW_MILLIS = 60_000;
  private static final long FAILED_RETRY_MILLIS = 60_000;
  private static final long LIVENESS_PROBE_MILLIS = 1_000;
  /** Often enough that a worker joins within a few ms of listening; rare enough that probing is not a busy loop. */
  static final long STARTING_PROBE_MILLIS = 10;
  private static final long MEMORY_CHECK_MILLIS = 5_000;
  /**
   * A booting worker is not a silent one: it gets at least this long to answer first, whatever
   * cluster.timeout says, so a JVM slowed by a loaded machine is not killed as hung and crash-looped.
   */
  private static final long BOOT_TIMEOUT_MILLIS = 60_000;

  final CompletableFuture<Void> started = new CompletableFuture<>();
  Consumer<String> progress = s -> { };

  private final Supplier<Config> reloadFrom;
  private final Supervisor.Launchers launchers;
  private final Backends backends;
  private final RunLayout layout;
  private final Consumer<String> log;
  private final Consumer<Runnable> inbox;
  private final BiConsumer<Worker, Consumer<Boolean>> prober;
  private final long startedAtMillis = System.currentTimeMillis();
  private final Map<Integer, Slot> slots = new TreeMap<>();
  private final List<Worker> retiring = new ArrayList<>();
  private final List<Runnable> waiting = new ArrayList<>();

  private Config config;
  private WorkerLauncher launcher;
  private int generation = 1;
  private int desired;
  private String state = "starting";
  private long stopDeadlineMillis = -1;
  private long lastMemoryCheckMillis;
  private Reload reload;

  Arbiter(Config config, Supplier<Config> reloadFrom, Supervisor.Launchers launchers, Backends backends,
      RunLayout layout, Consumer<String> log, Consumer<Runnable> inbox, BiConsumer<Worker, Consumer<Boolean>> prober) {
    this.config = config;
    this.reloadFrom = reloadFrom;
    this.launchers = launchers;
    this.backends = backends;
    this.layout = layout;
    this.log = log;
    this.inbox = inbox;
    this.prober = prober;
    this.launcher = launchers.forSettings(config.settings());
    this.desired = config.settings().cluster().workers().count(Runtime.getRuntime().availableProcessors());
  }

  private Settings settings() {
    return config.settings();
  }

  int desired() {
    return desired;
  }

  /** Whether a worker is still coming up, so the loop must tick at the starting probe's pace. */
  boolean anyStarting() {
    for (Slot slot : slots.values()) {
      for (Worker w : new Worker[] {slot.current, slot.next}) {
        if (w != null && w.state == WorkerState.STARTING) {
          return true;
        }
      }
    }
    return false;
  }

  boolean finished() {
    return state.equals("stopped");
  }

  // ---- start -------------------------------------------------------------------------------------------

  void startAll() {
    log.accept("starting " + desired + " workers (environment " + config.env() + ", app " + settings().app() + ")");
    for (int id = 1; id <= desired; id++) {
      Slot slot = new Slot(id);
      slots.put(id, slot);
      slot.current = spawn(slot);
    }
  }

  private Worker spawn(Slot slot) {
    int port = portFor(slot.id);
    WorkerSpec spec = new WorkerSpec(slot.id, generation, "127.0.0.1", port, config.env(),
        layout.projectDir().toString(), settings().app(), settings().appClasspath(), settings().staticRoot(),
        settings().logLevel(), 1, settings().cluster().threads(), settings().cluster().gracefulTimeout().toMillis(),
        settings().appSettings());
    Worker w = new Worker(slot.id, generation, port, launcher.launch(spec, settings().secrets()), now());
    int budget = settings().cluster().maxRequests();
    if (budget > 0) {
      int jitter = settings().cluster().maxRequestsJitter();
      w.requestBudget = budget + (jitter > 0 ? ThreadLocalRandom.current().nextInt(jitter + 1) : 0);
    }
    w.process.onExit().thenAccept(code -> inbox.accept(() -> exited(w, code)));
    log.accept("spawned " + w);
    return w;
  }

  /** A fixed port per slot when base_port is set (fronts address them); else a free one from the OS. */
  private int portFor(int id) {
    int base = settings().cluster().basePort();
    if (base > 0) {
      return base + id - 1;
    }
    // The OS may hand out a port again once it is closed, and a worker binds its port only seconds after
    // this: without the check two workers starting together can be given one port, and the later one dies.
    for (int attempt = 0; ; attempt++) {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      } catch (IOException e) {
        throw new DroverException("no free port on 127.0.0.1: " + e.getMessage(), e);
      }
      if (attempt >= 20 || !portsInUse().contains(port)) {
        return port;
      }
    }
  }

  private Set<Integer> portsInUse() {
    Set<Integer> ports = new HashSet<>();
    for (Slot slot : slots.values()) {
      for (Worker w : new Worker[] {slot.current, slot.next}) {
        if (w != null && !w.exited()) {
          ports.add(w.port);
        }
      }
    }
    retiring.forEach(w -> ports.add(w.port));
    return ports;
  }

  // ---- events ------------------------------------------------------------------------------------------

  private void answered(Worker w, boolean ok) {
    w.probing = false;
    if (!ok || w.exited()) {
      return;
    }
    w.lastAnswerMillis = now();
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
    log.accept(w + " ready in " + (now() - w.startedAtMillis) + " ms");
    if (!started.isDone()) {
      long ready = slots.values().stream().filter(s -> s.current != null && s.current.state == WorkerState.READY).count();
      progress.accept("workers ready " + ready + "/" + desired);
      if (ready == desired) {
        state = "running";
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
      log.accept(w + " stopped: " + reason);
      return;
    }
    slot.lastExit = reason;
    if (state.equals("stopping")) {
      return;
    }
    log.accept(w + " exited unexpectedly: " + reason);
    if (slot.next == w) {
      slot.next = null;
      if (reload != null && code == ExitReasons.BOOT_ERROR) {
        abortReload("worker " + w.id + " of the new generation cannot boot: " + reason);
      } else if (reload != null && ++reload.lostWorkers >= CRASH_LOOP_EXITS) {
        abortReload(CRASH_LOOP_EXITS + " workers of the new generation exited before they were ready, last " + reason);
      } else if (reload != null && slot.current != null && slot.current.generation != generation) {
        // The slot left the reload's queue when this worker started: without a new one at once the reload
        // would wait forever for a worker that no longer exists. (A slot whose current worker is gone too
        // gets a new-generation one from its restart.)
        slot.next = spawn(slot);
      }
      return;
    }
    slot.current = null;
    if (!started.isDone() && code == ExitReasons.BOOT_ERROR) {
      started.completeExceptionally(new DroverException("worker " + w.id + " failed to start: " + reason));
      stop(Duration.ZERO);
      return;
    }
    scheduleRestart(slot, w, code);
  }

  private void scheduleRestart(Slot slot, Worker w, int code) {
    long now = now();
    slot.exitTimes.addLast(now);
    while (!slot.exitTimes.isEmpty() && slot.exitTimes.peekFirst() < now - CRASH_LOOP_WINDOW_MILLIS) {
      slot.exitTimes.removeFirst();
    }
    if (code == ExitReasons.BOOT_ERROR || slot.exitTimes.size() >= CRASH_LOOP_EXITS) {
      slot.failed = true;
      slot.bootError = code == ExitReasons.BOOT_ERROR;
      slot.restartAtMillis = now + FAILED_RETRY_MILLIS;
      log.accept("worker " + slot.id + " failed (" + (slot.bootError ? slot.lastExit
          : CRASH_LOOP_EXITS + " exits within 60s") + "); retrying in " + FAILED_RETRY_MILLIS / 1000 + "s");
      if (!started.isDone()) {
        started.completeExceptionally(new DroverException("worker " + slot.id + " keeps failing: " + slot.lastExit));
        stop(Duration.ZERO);
      }
      return;
    }
    // Exponential backoff for workers that die young; one that lived a while restarts at once.
    slot.quickExits = now - w.startedAtMillis < 10_000 ? slot.quickExits + 1 : 0;
    long delay = slot.quickExits == 0 ? 0 : Math.min(10_000, 100L << Math.min(slot.quickExits - 1, 7));
    slot.restartAtMillis = now + delay;
  }

  // ---- tick: reap, restart, probe, recycle, drain --------------------------------------------------------

  void tick() {
    long now = now();
    for (Slot slot : slots.values()) {
      if (slot.current == null && slot.restartAtMillis >= 0 && now >= slot.restartAtMillis && !state.equals("stopping")) {
        slot.restartAtMillis = -1;
        slot.restarts++;
        slot.current = spawn(slot);
      }
      for (Worker w : new Worker[] {slot.current, slot.next}) {
        if (w != null) {
          watch(w, now);
        }
      }
    }
    drain(now);
    recycle(now);
    if (reload != null) {
      reload.advance();
    }
    if (!waiting.isEmpty()) {
      List<Runnable> checks = new ArrayList<>(waiting);
      waiting.clear();
      checks.forEach(Runnable::run);
    }
    if (state.equals("stopping")) {
      stopProgress(now);
    }
  }

  private void watch(Worker w, long now) {
    if (w.exited() || w.probing) {
      return;
    }
    long timeout = settings().cluster().timeout().toMillis();
    if (w.state == WorkerState.STARTING) {
      timeout = Math.max(timeout, BOOT_TIMEOUT_MILLIS);
    }
    if (now - w.lastAnswerMillis > timeout && !w.terminateSent) {
      log.accept(w + " has not answered for " + timeout + " ms: thread dump to its log, then SIGKILL");
      w.terminateSent = true;
      w.process.dumpThreads();
      later(500, w.process::kill);
      return;
    }
    boolean due = w.state == WorkerState.STARTING
        ? now - w.lastProbeMillis >= STARTING_PROBE_MILLIS
        : now - w.lastAnswerMillis >= LIVENESS_PROBE_MILLIS;
    if (due) {
      w.probing = true;
      w.lastProbeMillis = now;
      prober.accept(w, ok -> answered(w, ok));
    }
  }

  private void recycle(long now) {
    if (reload != null || state.equals("stopping") || slots.values().stream().anyMatch(s -> s.next != null)) {
      return;
    }
    boolean checkMemory = settings().cluster().maxMemory().bytes() > 0 && now - lastMemoryCheckMillis > MEMORY_CHECK_MILLIS;
    if (checkMemory) {
      lastMemoryCheckMillis = now;
    }
    for (Slot slot : slots.values()) {
      Worker w = slot.current;
      if (w == null || w.state != WorkerState.READY) {
        continue;
      }
      if (w.requestBudget > 0 && backends.requests(w.backendId()) >= w.requestBudget) {
        log.accept(w + " served " + w.requestBudget + " requests (max_requests): recycling");
        replace(slot);
        return;
      }
      if (checkMemory && w.process.rssBytes() > settings().cluster().maxMemory().bytes()) {
        log.accept(w + " uses " + w.process.rssBytes() / (1 << 20) + " MB (max_memory): recycling");
        replace(slot);
        return;
      }
    }
  }

  /**
   * Replaces one worker on request (the dashboard's restart), the way recycling does: the new one takes over
   * once it answers, so no request is dropped. Answers with the snapshot once the slot is settled.
   */
  void restartWorker(int id, CompletableFuture<ClusterSnapshot> reply) {
    Slot slot = slots.get(id);
    if (!state.equals("running") || reload != null) {
      reply.completeExceptionally(new DroverException("cannot restart a worker while " + (reload != null ? "reloading" : state)));
      return;
    }
    if (slot == null || slot.current == null || slot.next != null || slot.current.state != WorkerState.READY) {
      reply.completeExceptionally(new DroverException("worker " + id + " is not a ready worker; see status"));
      return;
    }
    log.accept(slot.current + " restart requested");
    replace(slot);
    awaitSettled(() -> reply.complete(snapshot()));
  }

  /**
   * Replaces a slot's worker. With free ports the new one starts beside the old and takes over once it
   * answers; with fixed ports (base_port) the old one must drain and go first, so its port is free.
   */
  private void replace(Slot slot) {
    if (settings().cluster().hasFixedPorts() && slot.current != null) {
      Worker old = slot.current;
      retire(old);
      slot.current = null;
      old.process.onExit().thenRun(() -> inbox.accept(() -> {
        if (slot.current == null && !state.equals("stopping")) {
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
    w.drainDeadlineMillis = now() + settings().cluster().gracefulTimeout().toMillis();
    retiring.add(w);
  }

  private void drain(long now) {
    for (Worker w : new ArrayList<>(retiring)) {
      boolean idle = backends.inFlight(w.backendId()) == 0;
      if (!w.terminateSent && (idle || now >= w.drainDeadlineMillis)) {
        w.terminateSent = true;
        w.process.terminate();
      } else if (w.terminateSent && now >= w.drainDeadlineMillis + settings().cluster().gracefulTimeout().toMillis() + 5_000) {
        w.process.kill();
      }
    }
  }

  // ---- commands ----------------------------------------------------------------------------------------

  ClusterSnapshot snapshot() {
    long now = now();
    List<WorkerSnapshot> rows = new ArrayList<>();
    for (Slot slot : slots.values()) {
      Worker w = slot.current;
      if (w == null) {
        rows.add(new WorkerSnapshot(slot.id, generation, 0, 0, slot.failed ? "failed" : "starting", 0,
            slot.restarts, 0, 0, -1, slot.lastExit));
        continue;
      }
      rows.add(row(slot, w, now));
    }
    for (Worker w : retiring) {
      rows.add(row(null, w, now));
    }
    return new ClusterSnapshot(state, config.env(), settings().balancer().listen().toString(),
        ProcessHandle.current().pid(), (now - startedAtMillis) / 1000, generation, desired, rows);
  }

  private WorkerSnapshot row(Slot slot, Worker w, long now) {
    return new WorkerSnapshot(w.id, w.generation, w.process.pid(), w.port, w.state.toString(),
        (now - w.startedAtMillis) / 1000, slot == null ? 0 : slot.restarts, backends.requests(w.backendId()),
        backends.inFlight(w.backendId()), w.process.rssBytes(), slot == null ? "" : slot.lastExit);
  }

  void scale(int workers, CompletableFuture<ClusterSnapshot> reply) {
    int before = desired;
    desired = workers;
    for (int id = before + 1; id <= workers; id++) {
      Slot slot = slots.computeIfAbsent(id, Slot::new);
      if (slot.current == null) {
        slot.current = spawn(slot);
      }
    }
    for (int id = before; id > workers; id--) {
      Slot slot = slots.remove(id);
      if (slot != null) {
        retire(slot.current);
        retire(slot.next);
      }
    }
    log.accept("scaling from " + before + " to " + workers + " workers");
    awaitSettled(() -> reply.complete(snapshot()));
  }

  /** Runs the action once every slot has a ready worker and nothing is starting or draining. */
  private void awaitSettled(Runnable action) {
    waiting.add(() -> {
      boolean settled = slots.values().stream().allMatch(s -> s.next == null && s.current != null
          && (s.current.state == WorkerState.READY || s.failed)) && retiring.isEmpty();
      if (settled) {
        action.run();
      } else {
        awaitSettled(action);
      }
    });
  }

  void reload(boolean dryRun, CompletableFuture<Supervisor.ReloadResult> reply) {
    if (reload != null || !state.equals("running")) {
      reply.completeExceptionally(new DroverException("cannot reload while " + (reload != null ? "reloading" : state)));
      return;
    }
    Config next;
    try {
      next = reloadFrom.get();
    } catch (ConfigException e) {
      log.accept("reload refused, settings invalid; the running workers are untouched:\n" + e.getMessage());
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
      log.accept("reload refused, the balancer cannot apply the settings; nothing changed:\n" + e.getMessage());
      reply.completeExceptionally(e);
      return;
    }
    plan.describe().forEach(line -> log.accept("reload: " + line));
    reload = new Reload(config, generation, launcher, reply, plan);
    config = next;
    launcher = launchers.forSettings(next.settings());
    generation++;
    state = "reloading";
    int count = next.settings().cluster().workers().count(Runtime.getRuntime().availableProcessors());
    reload.queue.addAll(slots.keySet().stream().filter(id -> id <= count).toList());
    if (count != desired) {
      scale(count, new CompletableFuture<>());
    }
  }

  private void abortReload(String why) {
    log.accept("reload aborted: " + why + "; the previous workers keep serving");
    for (Slot slot : slots.values()) {
      if (slot.next != null) {
        Worker w = slot.next;
        slot.next = null;
        w.state = WorkerState.STOPPED;
        w.process.kill();
      }
    }
    config = reload.previousConfig;
    try {
      backends.reconfigure(config.settings().balancer());
    } catch (ConfigException e) {
      log.accept("could not restore the balancer's previous settings: " + e.getMessage());
    }
    generation = reload.previousGeneration;
    launcher = reload.previousLauncher;
    state = "running";
    reload.reply.completeExceptionally(new DroverException("reload failed: " + why));
    reload = null;
  }

  /** A reload under way: slots replaced one batch at a time, the reply sent when all are new. */
  private final class Reload {
    final Config previousConfig;
    final int previousGeneration;
    final WorkerLauncher previousLauncher;
    final CompletableFuture<Supervisor.ReloadResult> reply;
    final ReloadPlan plan;
    final List<Integer> queue = new ArrayList<>();
    /** New workers that exited before they were ready (killed, crashed): each is started again, up to a point. */
    int lostWorkers;

    Reload(Config previousConfig, int previousGeneration, WorkerLauncher previousLauncher,
        CompletableFuture<Supervisor.ReloadResult> reply, ReloadPlan plan) {
      this.previousConfig = previousConfig;
      this.previousGeneration = previousGeneration;
      this.previousLauncher = previousLauncher;
      this.reply = reply;
      this.plan = plan;
    }

    void advance() {
      boolean busy = slots.values().stream().anyMatch(s -> s.next != null || s.current == null);
      if (!queue.isEmpty() && !busy) {
        // Fixed ports go one slot at a time (each must free its port); free ports replace all at once.
        int batch = settings().cluster().hasFixedPorts() ? 1 : queue.size();
        for (int i = 0; i < batch; i++) {
          Slot slot = slots.get(queue.remove(0));
          if (slot != null) {
            replace(slot);
          }
        }
        return;
      }
      boolean allNew = slots.values().stream().allMatch(s -> s.current != null && s.next == null
          && s.current.generation == generation && s.current.state == WorkerState.READY);
      if (queue.isEmpty() && allNew && retiring.isEmpty()) {
        state = "running";
        reload = null;
        log.accept("reload done: generation " + generation + " serving");
        reply.complete(new Supervisor.ReloadResult(plan, false, generation, snapshot().workers()));
      }
    }
  }

  void stop(Duration timeout) {
    if (state.equals("stopping") || state.equals("stopped")) {
      return;
    }
    log.accept("stopping: draining in-flight requests, then SIGTERM");
    state = "stopping";
    if (reload != null) {
      reload.reply.completeExceptionally(new DroverException("the cluster is stopping"));
      reload = null;
    }
    Duration grace = timeout != null ? timeout : settings().cluster().gracefulTimeout();
    stopDeadlineMillis = now() + grace.toMillis();
    for (Slot slot : slots.values()) {
      for (Worker w : new Worker[] {slot.current, slot.next}) {
        if (w != null && !w.exited()) {
          retire(w);
          w.drainDeadlineMillis = stopDeadlineMillis;
        }
      }
    }
    if (!started.isDone()) {
      started.completeExceptionally(new DroverException("stopped before every worker was ready"));
    }
  }

  private void stopProgress(long now) {
    boolean anyAlive = retiring.stream().anyMatch(w -> w.process.isAlive());
    if (!anyAlive) {
      state = "stopped";
      log.accept("stopped");
      return;
    }
    if (now > stopDeadlineMillis + 5_000) {
      retiring.stream().filter(w -> w.process.isAlive()).forEach(w -> {
        log.accept(w + " did not stop in time: SIGKILL");
        w.process.kill();
      });
    }
  }

  /** Last resort when the loop itself dies: no worker may outlive its supervisor. */
  void killAll() {
    for (Slot slot : slots.values()) {
      for (Worker w : new Worker[] {slot.current, slot.next}) {
        if (w != null) {
          w.process.kill();
        }
      }
    }
    retiring.forEach(w -> w.process.kill());
  }

  private void later(long millis, Runnable action) {
    long due = now() + millis;
    waiting.add(new Runnable() {
      @Override
      public void run() {
        if (now() >= due) {
          action.run();
        } else {
          waiting.add(this);
        }
      }
    });
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}
