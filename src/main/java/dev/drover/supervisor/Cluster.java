package dev.drover.supervisor;

import dev.drover.balancer.Balancer;
import dev.drover.balancer.WorkerGauge;
import dev.drover.config.Config;
import dev.drover.config.RunLayout;
import dev.drover.config.ThisJvm;
import dev.drover.runtime.CdsArchive;
import dev.drover.runtime.JvmOptions;
import dev.drover.runtime.ProcessLauncher;
import dev.drover.runtime.docker.DockerRuntime;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A cluster's parts wired together: the balancer, worker processes launched from this JVM's own jar, and
 * the supervisor between them. The balancer opens only when asked, so a worker that cannot boot is
 * reported before any client can connect.
 */
public final class Cluster {
  private final Balancer balancer;
  private final Supervisor supervisor;

  public Cluster(Config config, Supplier<Config> reloadFrom, RunLayout layout, EventLog log) {
    this.balancer = new Balancer(config.settings().balancer(),
        (id, reason) -> log.warn("balancer: backend " + id + " failed: " + reason),
        config.settings().projectDir(), layout.accessLog());
    // This supervisor holds the project's lock and has started no worker yet: what is left is an earlier run's.
    Supervisor.Launchers launchers;
    if (config.settings().cluster().runtime().equals("docker")) {
      launchers = DockerRuntime.open(config.settings(), layout, log::info)::launcherFor;
    } else {
      ProcessLauncher.adoptLeftoverArchives(layout, JvmOptions.orDefault(config.settings().cluster().jvmOptions()), log::info);
      launchers = settings -> ProcessLauncher.sharingClasses(layout, JvmOptions.orDefault(settings.cluster().jvmOptions()), log::info);
    }
    this.supervisor = new Supervisor(config, reloadFrom, launchers, new BalancerBackends(balancer), layout, log);
    balancer.workerGauges(this::workerGauges);
  }

  /**
   * The options for a supervisor JVM about to be started with this JVM's binary and classpath: {@code base}
   * plus class data sharing, the archive written by the first supervisor to exit and taken up by the next
   * start. Call only while no supervisor of the project runs, since leftovers of one are adopted here. It runs in
   * the command's JVM just before the supervisor is spawned, so it must not pull in the worker launcher (and
   * with it Jackson, 130 ms of class loading in a JVM without an archive).
   */
  public static List<String> supervisorJvmOptions(RunLayout layout, String classpath, List<String> base,
      Consumer<String> log) {
    String java = ThisJvm.javaBinary();
    CdsArchive archive = CdsArchive.in(layout.cdsDir(), "supervisor", java, classpath, base, log);
    archive.adoptLeftovers();
    List<String> options = new ArrayList<>(base);
    options.addAll(JvmOptions.quietUnsafe(Runtime.version())); // the same Java as this JVM's
    options.addAll(archive.launch().options());
    return options;
  }

  /** Per-worker lines for /metrics, asked of the arbiter, which alone knows restarts. */
  private List<WorkerGauge> workerGauges() {
    try {
      return supervisor.status().get(2, TimeUnit.SECONDS).workers().stream()
          .filter(w -> !w.state().equals(WorkerState.DRAINING.toString()))
          .map(w -> new WorkerGauge(w.id(), w.state().equals(WorkerState.READY.toString()), w.restarts(), w.requests()))
          .toList();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking the supervisor", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the supervisor did not answer: " + e.getMessage(), e);
    }
  }

  /** Refuses a worker count this machine cannot carry, unless forced (see {@link Capacity}). */
  public static void checkCapacity(Config config, boolean force) {
    Capacity machine = Capacity.ofThisMachine();
    machine.check(config.settings().cluster().workers().count(machine.cores()),
        config.settings().cluster().jvmOptions(), force);
  }

  /** Fails, naming the key, when the balancer could not listen where the settings say. */
  public void checkListenAddresses() {
    balancer.checkAddresses();
  }

  public Supervisor supervisor() {
    return supervisor;
  }

  /** The balancer's counters, for the dashboard's history. */
  public dev.drover.balancer.Metrics metrics() {
    return balancer.metrics();
  }

  /** What the admin listener serves beside /metrics; set before {@link #openBalancer()}. */
  public void adminPages(io.undertow.server.HttpHandler pages) {
    balancer.adminPages(pages);
  }

  /** Makes the balancer's threads ahead of {@link #openBalancer()}, e.g. while the workers boot. */
  public void prepareBalancer() {
    balancer.prepare();
  }

  /** Starts accepting clients; throws a DroverException when the listen address cannot be bound. */
  public void openBalancer() {
    balancer.start();
  }

  /** Reopens the access log after logrotate moved it away. */
  public void reopenAccessLog() {
    balancer.reopenAccessLog();
  }

  /** Stops accepting clients; requests in flight get the balancer's grace. */
  public void closeBalancer() {
    balancer.stop();
  }

  /** The balancer seen as the arbiter's pool of backends. */
  private record BalancerBackends(Balancer balancer) implements Backends {
    @Override
    public void admit(String id, URI address) {
      balancer.admit(id, address);
    }

    @Override
    public void retire(String id) {
      balancer.retire(id);
    }

    @Override
    public void remove(String id) {
      balancer.remove(id);
    }

    @Override
    public int inFlight(String id) {
      return balancer.inFlight(id);
    }

    @Override
    public long requests(String id) {
      return balancer.requests(id);
    }

    @Override
    public void reconfigure(dev.drover.config.BalancerSettings settings) {
      balancer.reconfigure(settings);
    }
  }
}
