package dev.drover.control;

import dev.drover.config.Config;
import dev.drover.config.ConfigException;
import dev.drover.config.DroverException;
import dev.drover.config.DroverJar;
import dev.drover.config.ThisJvm;
import dev.drover.config.RunLayout;
import dev.drover.config.Secret;
import dev.drover.config.SettingsLoader;
import dev.drover.dashboard.Dashboard;
import dev.drover.dashboard.Events;
import dev.drover.supervisor.Cluster;
import dev.drover.supervisor.Supervisor;
import dev.drover.wire.StartProgress;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.ExecutionException;

/**
 * Runs a cluster in this JVM until it is stopped: the supervisor's composition root. Holds the project's
 * lock for its whole life, answers on the control socket from the first moment, checks that the balancer can
 * listen before any worker boots, opens it only once every worker answers, reports each step of the start
 * in {@code .drover/run/start.jsonl} for {@code start -d}, and cleans its pid and socket files on the way out.
 */
public final class ClusterRunner {
  private final SettingsLoader loader;
  private final String env;
  private final RunLayout layout;
  private final PrintWriter out;
  private final SupervisorLog log;
  private final boolean force;
  /** False once the lock is found taken: the run directory is then another supervisor's. */
  private boolean mayReport = true;

  /** @param force run a worker count past the machine's sanity limit (see {@code start --force}) */
  public ClusterRunner(SettingsLoader loader, String env, PrintWriter out, boolean force) {
    this.force = force;
    this.loader = loader;
    this.env = env;
    this.layout = new RunLayout(loader.projectDir());
    this.out = out;
    this.log = new SupervisorLog(out);
  }

  /** Starts, serves until stopped by a signal or {@code drover stop}, and returns 0; or throws why it could not start. */
  public int run() throws IOException, InterruptedException {
    try {
      return serve();
    } catch (ConfigException e) {
      report(StartProgress.failed(e.problems()));
      throw e;
    } catch (DroverException e) {
      report(StartProgress.failed(List.of("drover: " + e.getMessage())));
      throw e;
    }
  }

  private int serve() throws IOException, InterruptedException {
    Config config = loader.loadToRun(env);
    config.warnings().forEach(out::println);
    ProjectLock taken;
    try {
      taken = ProjectLock.acquire(layout);
    } catch (IOException | RuntimeException e) {
      mayReport = false;
      throw e;
    }
    try (ProjectLock lock = taken) {
      if (!config.warnings().isEmpty()) {
        report(StartProgress.warnings(config.warnings()));
      }
      // No worker of the project runs now: copies of the jar other than this supervisor's are an earlier run's.
      DroverJar.deleteCopiesBut(layout.libDir(), ThisJvm.classpath());
      Cluster.checkCapacity(config, force);
      Events events = new Events(Clock.systemUTC());
      // A reload may rotate the admin token: the dashboard follows the settings the supervisor last accepted.
      AtomicReference<Secret> adminToken = new AtomicReference<>(config.settings().adminToken());
      Cluster cluster = new Cluster(config, () -> {
        Config next = loader.loadToRun(env);
        adminToken.set(next.settings().adminToken());
        return next;
      }, layout, (level, message) -> {
        log.event(level, message);
        events.supervisorLine(message);
      });
      cluster.checkListenAddresses();
      Supervisor supervisor = cluster.supervisor();
      boolean admin = !config.settings().balancer().adminListen().isBlank();
      Dashboard dashboard = new Dashboard(supervisor, cluster.metrics(), events, adminToken::get, ClusterRunner::json,
          Clock.systemUTC());
      if (admin) {
        cluster.adminPages(dashboard.handler());
      }
      supervisor.onProgress((ready, total) -> {
        out.println("workers ready " + ready + "/" + total);
        out.flush();
        report(StartProgress.progress(ready, total));
      });
      Thread arbiter = new Thread(supervisor::run, "drover-arbiter");
      try (dashboard; ControlServer control = new ControlServer(layout.controlSocket(), supervisor, cluster::reopenAccessLog)) {
        PosixSignals.forward(supervisor, cluster::reopenAccessLog);
        arbiter.start();
        try {
          cluster.prepareBalancer(); // while the workers boot
          supervisor.started().get();
          cluster.openBalancer();
          if (admin) {
            dashboard.start();
          }
        } catch (ExecutionException | RuntimeException e) {
          Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
          supervisor.stop(Duration.ZERO);
          arbiter.join();
          cluster.closeBalancer();
          throw cause instanceof DroverException d ? d : new DroverException(cause.getMessage(), cause);
        }
        int workers = supervisor.status().join().desiredWorkers();
        String listen = config.settings().balancer().listen().toString();
        long pid = ProcessHandle.current().pid();
        out.println("workers ready " + workers + "/" + workers + "  ·  http://" + listen + "  ·  env " + env + "  ·  pid " + pid);
        out.flush();
        report(StartProgress.listening(workers, listen, pid));
        arbiter.join();
        cluster.closeBalancer();
        log.info("supervisor exits");
      }
    }
    return 0;
  }

  /**
   * The dashboard's encoding: the status and a reload's result, wherever they appear in its answers, by the
   * control protocol's one writer of them (so it shows what {@code status --json} prints); the rest of its own
   * (history, events) as data.
   */
  private static final class DashboardJson {
    // in a holder: data binding costs a start 100 ms of class loading, and is needed only once the dashboard is asked
    static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = Protocol.JSON.copy()
        .registerModule(new com.fasterxml.jackson.databind.module.SimpleModule("drover-answers")
            .addSerializer(dev.drover.supervisor.ClusterSnapshot.class, raw(s -> Answers.snapshot(s, false)))
            .addSerializer(dev.drover.supervisor.Supervisor.ReloadResult.class, raw(Answers::reloadResult)));
  }

  private static <T> com.fasterxml.jackson.databind.JsonSerializer<T> raw(java.util.function.Function<T, String> writer) {
    return new com.fasterxml.jackson.databind.JsonSerializer<>() {
      @Override
      public void serialize(T value, com.fasterxml.jackson.core.JsonGenerator json,
          com.fasterxml.jackson.databind.SerializerProvider provider) throws IOException {
        json.writeRawValue(writer.apply(value));
      }
    };
  }

  private static String json(Object value) {
    try {
      return DashboardJson.MAPPER.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /** Appends a start event for a waiting {@code start -d}; the start itself never fails for want of it. */
  private void report(StartProgress event) {
    if (!mayReport) {
      return;
    }
    Path file = StartProgress.file(layout.runDir());
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, event.encode() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      log.event(dev.drover.supervisor.EventLog.Level.WARN, "cannot write " + file + ": " + e.getMessage());
    }
  }
}
