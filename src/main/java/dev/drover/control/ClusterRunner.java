package dev.drover.control;

import dev.drover.config.Config;
import dev.drover.config.DroverException;
import dev.drover.config.RunLayout;
import dev.drover.config.SettingsLoader;
import dev.drover.supervisor.Cluster;
import dev.drover.supervisor.Supervisor;
import java.io.IOException;
import java.io.PrintWriter;
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
      Cluster cluster = new Cluster(config, () -> loader.load(env), layout, log::event);
      Supervisor supervisor = cluster.supervisor();
      supervisor.onProgress(line -> {
        out.println(line);
        out.flush();
      });
      Thread arbiter = new Thread(supervisor::run, "drover-arbiter");
      try (ControlServer control = new ControlServer(layout.controlSocket(), supervisor, cluster::reopenAccessLog)) {
        PosixSignals.forward(supervisor, cluster::reopenAccessLog);
        arbiter.start();
        try {
          supervisor.started().get();
          cluster.openBalancer();
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

  private void log(String line) {
    log.info(line);
  }
}
