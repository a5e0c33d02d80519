package dev.drover.control;

import dev.drover.config.Config;
import dev.drover.config.DroverException;
import dev.drover.config.RunLayout;
import dev.drover.config.Secret;
import dev.drover.config.SettingsLoader;
import dev.drover.dashboard.Dashboard;
import dev.drover.dashboard.Events;
import dev.drover.supervisor.Cluster;
import dev.drover.supervisor.Supervisor;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.ExecutionException;

/**
 * Runs a cluster in this JVM until it is stopped: the supervisor's composition root. Holds the project's
 * lock for its whole life, answers on the control socket from the first moment, opens the balancer only
 * once every worker answers, and cleans its pid and socket files on the way out.
 */
public final class ClusterRunner {
  private final SettingsLoader loader;
  private final String env;
  private final RunLayout layout;
  private final PrintWriter out;
  private final SupervisorLog log;

  public ClusterRunner(SettingsLoader loader, String env, PrintWriter out) {
    this.loader = loader;
    this.env = env;
    this.layout = new RunLayout(loader.projectDir());
    this.out = out;
    this.log = new SupervisorLog(out);
  }

  /** Starts, serves until stopped by a signal or {@code drover stop}, and returns 0; or throws why it could not start. */
  public int run() throws IOException, InterruptedException {
    Config config = loader.load(env);
    config.warnings().forEach(out::println);
    try (ProjectLock lock = ProjectLock.acquire(layout)) {
      Events events = new Events(Clock.systemUTC());
      // A reload may rotate the admin token: the dashboard follows the settings the supervisor last accepted.
      AtomicReference<Secret> adminToken = new AtomicReference<>(config.settings().adminToken());
      Cluster cluster = new Cluster(config, () -> {
        Config next = loader.load(env);
        adminToken.set(next.settings().adminToken());
        return next;
      }, layout, line -> {
        log(line);
        events.supervisorLine(line);
      });
      Supervisor supervisor = cluster.supervisor();
      boolean admin = !config.settings().balancer().adminListen().isBlank();
      Dashboard dashboard = new Dashboard(supervisor, cluster.metrics(), events, adminToken::get, ClusterRunner::json,
          Clock.systemUTC());
      if (admin) {
        cluster.adminPages(dashboard.handler());
      }
      supervisor.onProgress(line -> {
        out.println(line);
        out.flush();
      });
      Thread arbiter = new Thread(supervisor::run, "drover-arbiter");
      try (dashboard; ControlServer control = new ControlServer(layout.controlSocket(), supervisor, cluster::reopenAccessLog)) {
        PosixSignals.forward(supervisor, cluster::reopenAccessLog);
        arbiter.start();
        try {
          supervisor.started().get();
          cluster.openBalancer();
          if (admin) {
            dashboard.start();
          }
        } catch (ExecutionException | RuntimeException e) {
          Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
          supervisor.stop(java.time.Duration.ZERO);
          arbiter.join();
          cluster.closeBalancer();
          throw cause instanceof DroverException d ? d : new DroverException(cause.getMessage(), cause);
        }
        int workers = config.settings().cluster().workers().count(Runtime.getRuntime().availableProcessors());
        out.println("workers ready " + workers + "/" + workers + "  ·  http://" + config.settings().balancer().listen() + "  ·  env " + env + "  ·  pid " + ProcessHandle.current().pid());
        out.flush();
        arbiter.join();
        cluster.closeBalancer();
        log("supervisor exits");
      }
    }
    return 0;
  }

  /** The control protocol's encoding, so the dashboard's status is what {@code status --json} prints. */
  private static String json(Object value) {
    try {
      return Protocol.JSON.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  private void log(String line) {
    log.info(line);
  }
}
