package dev.drover.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpServer;
import dev.drover.config.Config;
import dev.drover.config.RunLayout;
import dev.drover.config.SettingsLoader;
import dev.drover.runtime.WorkerProcess;
import dev.drover.testing.TestProject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The arbiter without processes: a launcher whose workers die at once, and a pool that only records. */
class SupervisorTest {
  @TempDir
  Path dir;

  /** A process in name only: a pid and an exit the test or the supervisor completes. */
  abstract static class FakeWorker implements WorkerProcess {
    final CompletableFuture<Integer> exit = new CompletableFuture<>();
    final long pid;

    FakeWorker(long pid) {
      this.pid = pid;
    }

    @Override
    public long pid() {
      return pid;
    }

    @Override
    public boolean isAlive() {
      return !exit.isDone();
    }

    @Override
    public CompletableFuture<Integer> onExit() {
      return exit;
    }

    @Override
    public void terminate() {
      exit.complete(143);
    }

    @Override
    public void kill() {
      exit.complete(137);
    }

    @Override
    public void dumpThreads() {
    }

    @Override
    public long rssBytes() {
      return -1;
    }
  }

  /** A worker that exits with the given code as soon as it is started. */
  static final class DyingWorker extends FakeWorker {
    DyingWorker(long pid, int code) {
      super(pid);
      CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS).execute(() -> exit.complete(code));
    }

  }

  /** A worker that answers the health probe on its port until it is stopped. */
  static final class ServingWorker extends FakeWorker {
    ServingWorker(long pid, int port) throws IOException {
      super(pid);
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
      server.createContext("/", exchange -> {
        exchange.getResponseHeaders().add("X-Drover-Pid", Long.toString(pid));
        exchange.sendResponseHeaders(200, -1);
        exchange.close();
      });
      server.start();
      exit.whenComplete((code, e) -> server.stop(0));
    }

  }

  static class RecordingBackends implements Backends {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void admit(String id, URI address) {
      events.add("admit " + id);
    }

    @Override
    public void retire(String id) {
      events.add("retire " + id);
    }

    @Override
    public void remove(String id) {
      events.add("remove " + id);
    }

    @Override
    public int inFlight(String id) {
      return 0;
    }

    @Override
    public long requests(String id) {
      return 0;
    }

    @Override
    public void reconfigure(dev.drover.config.BalancerSettings settings) {
      events.add("reconfigure");
    }
  }

  private Supervisor supervisor(int exitCode, List<Long> launched, List<String> log) {
    TestProject.in(dir).settings("[default.cluster]\nworkers = 2\n");
    Config config = new SettingsLoader(dir, Map.of()).load("development");
    return new Supervisor(config, () -> config, settings -> (spec, secrets) -> {
      long pid = 100_000 + launched.size();
      launched.add(pid);
      return new DyingWorker(pid, exitCode);
    }, new RecordingBackends(), new RunLayout(dir), (level, line) -> log.add(line));
  }

  @Test
  void aWorkerThatKeepsDyingIsMarkedFailedAfterFiveExitsWithBackoff() throws Exception {
    List<Long> launched = new CopyOnWriteArrayList<>();
    List<String> log = new CopyOnWriteArrayList<>();
    Supervisor supervisor = supervisor(1, launched, log);
    Thread loop = new Thread(supervisor::run);
    long start = System.nanoTime();
    loop.start();
    Throwable failure = catchThrowable(() -> supervisor.started().get(30, TimeUnit.SECONDS));
    loop.join(10_000);

    assertThat(failure).isInstanceOf(ExecutionException.class).cause()
        .hasMessageContaining("keeps failing: exit code 1");
    assertThat(log).anyMatch(l -> l.contains("failed (5 exits within 60s); retrying in 60s"));
    // Five starts of the first slot to fail (the other slot fails alongside), not an unbounded loop.
    assertThat(launched.size()).isBetween(5, 10);
    // Backoff 0.1 + 0.2 + 0.4 + 0.8 s between the quick exits: not a tight loop.
    assertThat(System.nanoTime() - start).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(1_400));
    assertThat(loop.isAlive()).isFalse();
  }

  @Test
  void aBootErrorIsNotRestarted() throws Exception {
    List<Long> launched = new CopyOnWriteArrayList<>();
    List<String> log = new CopyOnWriteArrayList<>();
    for (int id = 1; id <= 2; id++) {
      TestProject.in(dir).write(".drover/logs/worker-" + id + ".log", "boot error: class com.example.Missing not found\n", "rw-------");
    }
    Supervisor supervisor = supervisor(ExitReasons.BOOT_ERROR, launched, log);
    Thread loop = new Thread(supervisor::run);
    loop.start();
    Throwable failure = catchThrowable(() -> supervisor.started().get(30, TimeUnit.SECONDS));
    loop.join(10_000);

    // Both workers die at once; whichever is reaped first is the one reported.
    assertThat(failure).cause().hasMessageMatching("worker [12] failed to start: boot error: class com.example.Missing not found");
    assertThat(launched).hasSize(2);
  }

  @Test
  void aNewWorkerKilledBeforeItIsReadyIsStartedAgainAndTheReloadCompletes() throws Exception {
    TestProject.in(dir).settings("[default.cluster]\nworkers = 2\n");
    Config config = new SettingsLoader(dir, Map.of()).load("development");
    List<String> launched = new CopyOnWriteArrayList<>();
    List<String> log = new CopyOnWriteArrayList<>();
    Supervisor supervisor = new Supervisor(config, () -> config, settings -> (spec, secrets) -> {
      String name = spec.id() + "/" + spec.generation();
      long pid = 100_000 + launched.size();
      boolean killedWhileStarting = name.equals("1/2") && !launched.contains(name);
      launched.add(name);
      try {
        return killedWhileStarting ? new DyingWorker(pid, 137) : new ServingWorker(pid, spec.port());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, new RecordingBackends(), new RunLayout(dir), (level, line) -> log.add(line));
    Thread loop = new Thread(supervisor::run);
    loop.start();
    try {
      supervisor.started().get(30, TimeUnit.SECONDS);
      Supervisor.ReloadResult reloaded = supervisor.reload(false).get(30, TimeUnit.SECONDS);
      assertThat(reloaded.generation()).isEqualTo(2);
      assertThat(reloaded.workers()).extracting(WorkerSnapshot::generation).containsExactly(2, 2);
      assertThat(launched).containsExactly("1/1", "2/1", "1/2", "2/2", "1/2");
    } finally {
      supervisor.stop(Duration.ZERO).get(30, TimeUnit.SECONDS);
      loop.join(10_000);
    }
  }

  @Test
  void aLaunchThatThrowsFailsTheStartWithItsCauseAndTheLoopEnds() throws Exception {
    TestProject.in(dir).settings("[default.cluster]\nworkers = 3\n");
    Config config = new SettingsLoader(dir, Map.of()).load("development");
    List<String> log = new CopyOnWriteArrayList<>();
    Supervisor supervisor = new Supervisor(config, () -> config, settings -> (spec, secrets) -> {
      throw new dev.drover.config.DroverException("cannot write the spec of worker " + spec.id());
    }, new RecordingBackends(), new RunLayout(dir), (level, line) -> log.add(level + " " + line));
    Thread loop = new Thread(supervisor::run);
    loop.start();
    Throwable failure = catchThrowable(() -> supervisor.started().get(10, TimeUnit.SECONDS));
    loop.join(10_000);

    assertThat(failure).isInstanceOf(ExecutionException.class).cause()
        .hasMessage("worker 1 cannot be launched: cannot write the spec of worker 1");
    assertThat(loop.isAlive()).isFalse();
    assertThat(log).contains("ERROR worker 1 cannot be launched: cannot write the spec of worker 1");
    // Every later request is answered at once, not left waiting on a loop that is gone.
    assertThat(catchThrowable(() -> supervisor.status().get(2, TimeUnit.SECONDS)))
        .isInstanceOf(ExecutionException.class).cause().hasMessageContaining("stopped");
  }

  @Test
  void aLoopThatDiesAnswersEveryRequestWithTheCauseAndKillsItsWorkers() throws Exception {
    TestProject.in(dir).settings("[default.cluster]\nworkers = 2\n");
    Config config = new SettingsLoader(dir, Map.of()).load("development");
    List<FakeWorker> workers = new CopyOnWriteArrayList<>();
    RecordingBackends broken = new RecordingBackends() {
      @Override
      public void admit(String id, URI address) {
        throw new IllegalStateException("admit broke");
      }
    };
    Supervisor supervisor = new Supervisor(config, () -> config, settings -> (spec, secrets) -> {
      try {
        ServingWorker w = new ServingWorker(100_000 + workers.size(), spec.port());
        workers.add(w);
        return w;
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, broken, new RunLayout(dir), (level, line) -> { });
    Thread loop = new Thread(supervisor::run);
    loop.start();
    Throwable failure = catchThrowable(() -> supervisor.started().get(10, TimeUnit.SECONDS));
    loop.join(10_000);

    assertThat(failure).cause().hasMessageContaining("internal error in the supervisor")
        .hasMessageContaining("admit broke");
    assertThat(loop.isAlive()).isFalse();
    assertThat(workers).isNotEmpty().allMatch(w -> !w.isAlive());
    for (CompletableFuture<?> answer : List.of(supervisor.status(), supervisor.reload(false), supervisor.scale(3),
        supervisor.stop(Duration.ZERO))) {
      assertThat(catchThrowable(() -> answer.get(2, TimeUnit.SECONDS))).isInstanceOf(ExecutionException.class);
    }
  }

  @Test
  void stopWhileWorkersAreStillStartingEndsPromptlyAndLogsEveryExit() throws Exception {
    TestProject.in(dir).settings("[default.cluster]\nworkers = 20\n");
    Config config = new SettingsLoader(dir, Map.of()).load("development");
    List<Long> launched = new CopyOnWriteArrayList<>();
    List<String> log = new CopyOnWriteArrayList<>();
    // Workers that never answer: the start can only end by the stop.
    Supervisor supervisor = new Supervisor(config, () -> config, settings -> (spec, secrets) -> {
      launched.add((long) spec.id());
      return new FakeWorker(100_000 + spec.id()) { };
    }, new RecordingBackends(), new RunLayout(dir), (level, line) -> log.add(line));
    Thread loop = new Thread(supervisor::run);
    loop.start();
    supervisor.stop(Duration.ZERO).get(10, TimeUnit.SECONDS);
    loop.join(10_000);

    assertThat(catchThrowable(() -> supervisor.started().get())).cause().hasMessageContaining("stopped before");
    assertThat(launched.size()).isLessThanOrEqualTo(20);
    assertThat(log.stream().filter(l -> l.contains(" stopped: ")).count()).isEqualTo(launched.size());
    assertThat(log.get(log.size() - 1)).isEqualTo("stopped");
  }

  @Test
  void exitReasonsNameSignalsAndCodes() {
    Path none = dir.resolve("none.log");
    assertThat(ExitReasons.describe(137, none)).isEqualTo("killed (SIGKILL)");
    assertThat(ExitReasons.describe(143, none)).isEqualTo("terminated (SIGTERM)");
    assertThat(ExitReasons.describe(134, none)).isEqualTo("killed by signal 6");
    assertThat(ExitReasons.describe(1, none)).isEqualTo("exit code 1");
    assertThat(ExitReasons.describe(ExitReasons.BOOT_ERROR, none)).isEqualTo("boot error (no log)");
  }
}
