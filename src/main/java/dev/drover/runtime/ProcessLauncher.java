package dev.drover.runtime;

import dev.drover.config.DroverException;
import dev.drover.config.DroverJar;
import dev.drover.config.RunLayout;
import dev.drover.config.Secret;
import dev.drover.config.ThisJvm;
import dev.drover.config.WorkerSpec;
import dev.drover.wire.SecretsLine;
import dev.drover.wire.WorkerSpecs;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs each worker as a child JVM: {@code java <options> -cp <drover's classpath> dev.drover.worker.WorkerMain
 * <spec file>}, output appended to its log. Its stdin stays a pipe from the supervisor: the first line carries
 * the secrets, and when the pipe closes (the supervisor is gone, even by kill -9) the worker exits.
 */
public final class ProcessLauncher implements WorkerLauncher {
  static final String WORKER_MAIN = "dev.drover.worker.WorkerMain";
  /** glibc's cap on malloc arenas, which the supervisor's launcher sets for the balancer's JVM. */
  public static final String MALLOC_ARENA_MAX = "MALLOC_ARENA_MAX";
  /**
   * Present when drover, not the user, set {@link #MALLOC_ARENA_MAX} for the supervisor; not named DROVER_*, which
   * would be read as a setting.
   */
  public static final String SUPERVISOR_MALLOC_ARENA_MAX = "MALLOC_ARENA_MAX_SET_BY_DROVER";

  private final RunLayout layout;
  private final String javaBinary;
  private final String classpath;
  private final List<String> jvmOptions;
  private final CdsArchive archive;

  public ProcessLauncher(RunLayout layout, String javaBinary, String classpath, List<String> jvmOptions) {
    this(layout, javaBinary, classpath, jvmOptions, null);
  }

  private ProcessLauncher(RunLayout layout, String javaBinary, String classpath, List<String> jvmOptions,
      CdsArchive archive) {
    this.layout = layout;
    this.javaBinary = javaBinary;
    this.classpath = classpath;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.archive = archive;
  }

  /** A launcher that runs workers with this JVM's java binary and classpath. */
  public static ProcessLauncher forThisJvm(RunLayout layout, List<String> jvmOptions) {
    return new ProcessLauncher(layout, ThisJvm.javaBinary(), ThisJvm.classpath(), jvmOptions);
  }

  /**
   * A launcher like {@link #forThisJvm(RunLayout, List)} whose workers share a class data archive kept in
   * {@code .drover/cds/}: the first worker started without one writes it when it exits.
   */
  public static ProcessLauncher sharingClasses(RunLayout layout, List<String> jvmOptions, Consumer<String> log) {
    String classpath = DroverJar.classpathFor(layout);
    return new ProcessLauncher(layout, ThisJvm.javaBinary(), classpath, jvmOptions,
        workerArchive(layout, classpath, jvmOptions, log));
  }

  /**
   * Takes up, or deletes, worker archives that JVMs of an earlier run wrote as they exited but nobody adopted
   * (a supervisor that stopped right after its workers). Call only while none of the project's workers runs.
   */
  public static void adoptLeftoverArchives(RunLayout layout, List<String> jvmOptions, Consumer<String> log) {
    workerArchive(layout, DroverJar.classpathFor(layout), jvmOptions, log).adoptLeftovers();
  }

  private static CdsArchive workerArchive(RunLayout layout, String classpath, List<String> jvmOptions,
      Consumer<String> log) {
    return CdsArchive.in(layout.cdsDir(), "worker", ThisJvm.javaBinary(), classpath, jvmOptions, log);
  }

  /** The drover version its workers run, as status shows it. */
  @Override
  public String version() {
    return DroverJar.version(classpath);
  }

  @Override
  public WorkerProcess launch(WorkerSpec spec, Map<String, Secret> secrets) {
    try {
      Files.createDirectories(layout.logsDir());
      // One file per launch, not per slot: two workers of a slot can start at once (a reload's new one and
      // the restart of a killed old one), and with a shared file the first to boot would read the second's
      // port. The file goes when its worker does.
      Path specFile = writeSpec(layout, spec);
      CdsArchive.Launch sharing = archive == null ? CdsArchive.Launch.NONE : archive.launch();
      List<String> command = new ArrayList<>();
      command.add(javaBinary);
      command.addAll(jvmOptions);
      command.addAll(sharing.options());
      command.add("-Ddrover.worker=" + spec.id());
      command.add("-cp");
      command.add(classpath);
      command.add(WORKER_MAIN);
      command.add(specFile.toString());
      ProcessBuilder builder = new ProcessBuilder(command)
          .directory(layout.projectDir().toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(layout.workerLog(spec.id()).toFile()));
      workerEnvironment(builder.environment());
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        Files.deleteIfExists(specFile);
        sharing.onExit().accept(-1);
        throw e;
      }
      process.onExit().thenRun(() -> {
        try {
          Files.deleteIfExists(specFile);
        } catch (IOException e) {
          // a leftover spec in .drover/run is harmless; the next start makes its own
        }
      });
      ChildProcess child = new ChildProcess(process);
      if (!sharing.options().isEmpty()) {
        // Off the process reaper's thread: adopting an archive runs a JVM and waits for it.
        child.onExit().thenAcceptAsync(sharing.onExit(), ProcessLauncher::runDetached);
      }
      sendSecrets(process.getOutputStream(), secrets);
      return child;
    } catch (IOException e) {
      throw new DroverException("cannot start worker " + spec.id() + ": " + e.getMessage(), e);
    }
  }

  private static void runDetached(Runnable task) {
    Thread t = new Thread(task, "drover-cds");
    t.setDaemon(true);
    t.start();
  }

  private static void sendSecrets(OutputStream stdin, Map<String, Secret> secrets) throws IOException {
    stdin.write(secretsLine(secrets));
    stdin.flush();
  }

  /**
   * Writes the spec of one launch to its own file in {@code .drover/run/}; every runtime hands workers their spec
   * this way. The caller deletes it when its worker is gone.
   */
  public static Path writeSpec(RunLayout layout, WorkerSpec spec) throws IOException {
    Files.createDirectories(layout.runDir());
    Path specFile = Files.createTempFile(layout.runDir(), "worker-" + spec.id() + "-", ".json");
    WorkerSpecs.write(specFile, spec);
    return specFile;
  }

  /** The first line on a worker's stdin, newline included: every runtime sends secrets in this one form. */
  public static byte[] secretsLine(Map<String, Secret> secrets) {
    return (SecretsLine.encode(secrets) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The child must not inherit overrides meant for the supervisor, least of all a secret in DROVER_*; nor the
   * malloc arena cap drover chose for the balancer (an application's threads may allocate natively, in parallel),
   * while one the user set applies to the workers too.
   */
  static void workerEnvironment(Map<String, String> environment) {
    if (environment.remove(SUPERVISOR_MALLOC_ARENA_MAX) != null) {
      environment.remove(MALLOC_ARENA_MAX);
    }
    environment.keySet().removeIf(k -> k.startsWith("DROVER_"));
  }
}
