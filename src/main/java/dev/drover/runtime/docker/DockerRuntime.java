package dev.drover.runtime.docker;

import dev.drover.config.DroverException;
import dev.drover.config.RunLayout;
import dev.drover.config.Settings;
import dev.drover.config.ThisJvm;
import dev.drover.runtime.JvmOptions;
import dev.drover.runtime.WorkerLauncher;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * {@code cluster.runtime = "docker"} for one supervisor: checked before any worker starts (daemon reachable,
 * image present, an earlier run's containers removed), so each problem is one line from {@code start}; then a
 * {@link DockerLauncher} per settings, as the supervisor asks on reload.
 */
public final class DockerRuntime {
  private static final long MIN_MEMORY = 6L << 20;
  private final DockerConnection docker;
  private final RunLayout layout;
  private final Consumer<String> log;
  private String image;

  private DockerRuntime(DockerConnection docker, RunLayout layout, Consumer<String> log, String image) {
    this.docker = docker;
    this.layout = layout;
    this.log = log;
    this.image = image;
  }

  /** Connects, finds the image, removes leftovers; throws a {@link DroverException} saying what to do. */
  public static DockerRuntime open(Settings settings, RunLayout layout, Consumer<String> log) {
    DockerConnection docker = DockerConnection.open();
    try {
      checkLimits(docker, settings);
      String image = DockerLauncher.requireImage(docker, settings, droverJar());
      int removed = DockerLauncher.removeLeftovers(docker, layout);
      if (removed > 0) {
        log.accept("removed " + removed + " container(s) left by an earlier supervisor of this project");
      }
      log.accept("docker runtime: image " + image + " on " + docker.host());
      return new DockerRuntime(docker, layout, log, image);
    } catch (RuntimeException e) {
      docker.close();
      throw e;
    }
  }

  /**
   * What {@link #open} would refuse, checked without changing anything (no leftovers removed): the daemon
   * answers, the limits are within its bounds and the project's image exists. For {@code config check}.
   */
  public static void check(Settings settings) {
    try (DockerConnection docker = DockerConnection.open()) {
      checkLimits(docker, settings);
      DockerLauncher.requireImage(docker, settings, droverJar());
    }
  }

  /** Docker's own bounds for the limits, checked before any container is made, naming the keys. */
  static void checkLimits(DockerConnection docker, Settings settings) {
    long memory = settings.docker().memory().bytes();
    if (memory > 0 && memory < MIN_MEMORY) {
      throw new DroverException("docker.memory = \"" + settings.docker().memory() + "\" is below Docker's minimum of 6MB"
          + " (a worker JVM needs about 64MB): raise it in [" + settings.env() + ".docker] of settings.toml, or 0 for none");
    }
    long nano = settings.docker().nanoCpus();
    if (nano == 0) {
      return;
    }
    Integer cpus = docker.client().infoCmd().exec().getNCPU();
    if (nano < 10_000_000L || (cpus != null && nano > cpus * 1_000_000_000L)) {
      throw new DroverException("docker.cpus = \"" + settings.docker().cpus() + "\" is outside what the daemon allows,"
          + " 0.01 to " + cpus + " (its CPUs): change it in [" + settings.env() + ".docker] of settings.toml, or \"0\" for none");
    }
  }

  /**
   * The launcher for settings a reload brings. A reload whose image is missing keeps the running image and says
   * so, rather than failing half-way through the generation change.
   */
  public synchronized WorkerLauncher launcherFor(Settings settings) {
    try {
      image = DockerLauncher.requireImage(docker, settings, droverJar());
    } catch (DroverException e) {
      log.accept(e.getMessage() + "; the workers keep image " + image);
    }
    return new DockerLauncher(docker, layout, settings, image, JvmOptions.orDefault(settings.cluster().jvmOptions()));
  }

  private static Path droverJar() {
    return Path.of(ThisJvm.classpath().split(java.io.File.pathSeparator)[0]);
  }
}
