package dev.drover.control;

import dev.drover.config.ConfigException;
import dev.drover.config.DroverException;
import dev.drover.config.DroverJar;
import dev.drover.config.RunLayout;
import dev.drover.config.SettingsLoader;
import dev.drover.config.ThisJvm;
import dev.drover.runtime.ProcessLauncher;
import dev.drover.supervisor.Cluster;
import dev.drover.wire.StartProgress;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code drover start -d}: runs the supervisor as a new session (setsid), so closing the terminal neither
 * stops nor reloads it, with its output in {@code .drover/logs/supervisor.log}; then watches it over the
 * control socket until every worker is ready, or reports why it stopped.
 */
public final class Detacher {
  /**
   * The supervisor's main class, the command line's lean entry for it; named, not imported, since nothing may
   * depend on the command line.
   */
  static final String MAIN = "dev.drover.cli.Supervise";
  /**
   * The balancer's proxying is the supervisor's only hot path: keep both compilers (C1 alone costs a proxy a third
   * of its throughput), use the small collector, and keep the memory a proxy needs, measured with
   * src/bench/supervisor-flags: without -Xms the serial collector starts at 1/64 of the machine's memory and the
   * young generation grows to match (PSS 200 MB after load, against about 65 MB with these); the live set is a
   * few MB, so -Xmx is a cap far above it, for rate-limit buckets of many clients. Freed native memory (the JIT's
   * arenas mostly) is handed back to the system every few seconds where the JVM can (17.0.15 and 21.0.1 on).
   */
  static final List<String> SUPERVISOR_JVM = supervisorJvm(Runtime.version());

  static List<String> supervisorJvm(Runtime.Version java) {
    List<String> options = new ArrayList<>(List.of("-XX:+UseSerialGC", "-Xms8m", "-Xmx96m", "-Xss512k",
        "-XX:ReservedCodeCacheSize=48m", "-XX:-UsePerfData"));
    int feature = java.feature();
    if (feature == 17 && java.update() >= 15 || feature == 21 && java.update() >= 1 || feature >= 22) {
      options.add("-XX:TrimNativeHeapInterval=5000");
    }
    return List.copyOf(options);
  }

  /** The supervisor's environment: this command's, with a malloc arena cap unless the user chose one. */
  static void supervisorEnvironment(Map<String, String> environment) {
    if (!environment.containsKey(ProcessLauncher.MALLOC_ARENA_MAX)) {
      environment.put(ProcessLauncher.MALLOC_ARENA_MAX, SUPERVISOR_MALLOC_ARENAS);
      // the workers get the user's environment back (see ProcessLauncher)
      environment.put(ProcessLauncher.SUPERVISOR_MALLOC_ARENA_MAX, SUPERVISOR_MALLOC_ARENAS);
    }
  }
  /**
   * glibc gives threads that allocate at once their own malloc arenas, up to eight per core, and keeps much of what
   * they freed: for the balancer's IO and compiler threads that was 4-7 MB of the supervisor's PSS after a
   * benchmark's load (64.5-67.9 MB against 71.2-72.1, src/bench/ab), at no CPU cost we could measure. A value the
   * user set is kept.
   */
  static final String SUPERVISOR_MALLOC_ARENAS = "2";
  private static final long POLL_MILLIS = 10;
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
  /** How long a supervisor stopped by a failed start may take before it is killed. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);

  private final SettingsLoader loader;
  private final String env;
  private final RunLayout layout;
  private final PrintWriter out;
  private final boolean force;

  public Detacher(SettingsLoader loader, String env, PrintWriter out, boolean force) {
    this.force = force;
    this.loader = loader;
    this.env = env;
    this.layout = new RunLayout(loader.projectDir());
    this.out = out;
  }

  public int start() throws IOException, InterruptedException {
    try (ProjectLock free = ProjectLock.tryAcquire(layout)) {
      if (free == null) {
        throw ProjectLock.alreadyRunning(layout);
      }
    }
    Path log = layout.supervisorLog();
    long offset = Files.exists(log) ? Files.size(log) : 0;
    Path events = StartProgress.file(layout.runDir());
    Files.deleteIfExists(events);
    // The supervisor loads and checks the settings itself and reports every step of its start, warnings and
    // problems included, as structured events: this JVM reads no settings, so it costs the wait nothing.
    Optional<ProcessHandle> child = spawn(log);
    Thread abort = new Thread(() -> abandon(child), "drover-start-abort");
    Runtime.getRuntime().addShutdownHook(abort);
    boolean done = false;
    try {
      int code = await(child, events, log, offset);
      done = true;
      return code;
    } finally {
      if (done) {
        Runtime.getRuntime().removeShutdownHook(abort);
      }
    }
  }

  /** Follows the start's events until the balancer listens, the start fails or the supervisor is gone. */
  private int await(Optional<ProcessHandle> child, Path events, Path log, long offset)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    int shown = -1;
    long read = 0;
    StringBuilder pending = new StringBuilder();
    while (System.nanoTime() < deadline) {
      for (String line : newLines(events, read, pending)) {
        read += line.getBytes(StandardCharsets.UTF_8).length + 1;
        StartProgress event = StartProgress.decode(line);
        switch (event.event()) {
          case StartProgress.WARNINGS -> event.problems().forEach(out::println);
          case StartProgress.PROGRESS -> {
            if (event.ready() != shown) {
              out.println("workers ready " + event.ready() + "/" + event.total());
              out.flush();
              shown = event.ready();
            }
          }
          case StartProgress.LISTENING -> {
            out.println("workers ready " + event.total() + "/" + event.total() + "  ·  http://" + event.listen()
                + "  ·  env " + env + "  ·  pid " + event.pid() + "  ·  logs .drover/logs/");
            return 0;
          }
          case StartProgress.FAILED -> {
            waitGone(child);
            throw new ConfigException(event.problems());
          }
          default -> { }
        }
      }
      if (!child.map(ProcessHandle::isAlive).orElse(false) && (!Files.exists(events) || Files.size(events) <= read)) {
        failure(log, offset).forEach(out::println);
        throw new DroverException("the supervisor stopped before every worker was ready (see .drover/logs/supervisor.log)");
      }
      Thread.sleep(POLL_MILLIS);
    }
    stop(child);
    throw new DroverException("workers not ready after " + READY_TIMEOUT.toMinutes() + " minutes; stopped (see .drover/logs/)");
  }

  /** Ctrl+C (or a kill) of this command while it waits: the start is abandoned, the supervisor stopped. */
  private void abandon(Optional<ProcessHandle> child) {
    if (child.map(ProcessHandle::isAlive).orElse(false)) {
      System.err.println("drover: start interrupted; stopping the supervisor (pid " + child.get().pid() + ")");
      try {
        stop(child);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A supervisor that reported its failure exits right after; the project is free once it has. */
  private static void waitGone(Optional<ProcessHandle> child) throws InterruptedException {
    if (child.isPresent()) {
      try {
        child.get().onExit().get(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        stop(child);
      }
    }
  }

  private static void stop(Optional<ProcessHandle> supervisor) throws InterruptedException {
    if (supervisor.isEmpty()) {
      return;
    }
    ProcessHandle h = supervisor.get();
    h.destroy();
    try {
      h.onExit().get(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      h.destroyForcibly();
    }
  }

  /** The complete lines of {@code file} after byte {@code from}; a partial last line is left for the next call. */
  private static List<String> newLines(Path file, long from, StringBuilder pending) throws IOException {
    pending.setLength(0);
    if (!Files.exists(file)) {
      return List.of();
    }
    try (RandomAccessFile reader = new RandomAccessFile(file.toFile(), "r")) {
      long available = reader.length() - from;
      if (available <= 0) {
        return List.of();
      }
      byte[] bytes = new byte[(int) Math.min(available, 1 << 20)];
      reader.seek(from);
      reader.readFully(bytes);
      pending.append(new String(bytes, StandardCharsets.UTF_8));
    }
    List<String> lines = new ArrayList<>();
    int newline;
    while ((newline = pending.indexOf("\n")) >= 0) {
      lines.add(pending.substring(0, newline));
      pending.delete(0, newline + 1);
    }
    return lines;
  }

  /**
   * {@code drover start} in the foreground: the supervisor runs as this command's child, from the private copy
   * of the jar like a detached one, with the terminal as its output; the signals this command gets are passed
   * on to it, and its exit code is this command's.
   */
  public int runAttached() throws IOException, InterruptedException {
    try (ProjectLock free = ProjectLock.tryAcquire(layout)) {
      if (free == null) {
        throw ProjectLock.alreadyRunning(layout);
      }
    }
    ProcessBuilder builder = new ProcessBuilder(supervisorCommand()).directory(layout.projectDir().toFile()).inheritIO();
    supervisorEnvironment(builder.environment());
    Process child = builder.start();
    PosixSignals.relay(child, new ControlClient(layout));
    return child.waitFor();
  }

  /**
   * The supervisor's command line: the java binary, its options with class data sharing, the private copy of
   * drover's jar as classpath (and the jar it was copied from, for reloads after an upgrade), its entry point
   * and arguments.
   */
  private List<String> supervisorCommand() {
    String classpath = DroverJar.classpathFor(layout);
    List<String> command = new ArrayList<>();
    command.add(ThisJvm.javaBinary());
    command.addAll(Cluster.supervisorJvmOptions(layout, classpath, SUPERVISOR_JVM, line -> { }));
    DroverJar.source().ifPresent(jar -> command.add("-D" + DroverJar.SOURCE_PROPERTY + "=" + jar.toAbsolutePath()));
    command.add("-cp");
    command.add(classpath);
    command.add(MAIN);
    command.addAll(List.of(layout.projectDir().toString(), env));
    if (force) {
      command.add("--force");
    }
    return command;
  }

  /**
   * Starts the supervisor through a shell that puts it in the background and exits at once, so the supervisor
   * is not this JVM's child. A JVM waits up to 300 ms at exit for a thread blocked in native code, and the
   * JDK's watcher of a child process is one, blocked in waitpid: a child would add that to every
   * {@code start -d}. Liveness is then read from the process table, as for any other process.
   */
  private Optional<ProcessHandle> spawn(Path log) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("/bin/sh", "-c",
        "log=$1; shift; \"$@\" </dev/null >>\"$log\" 2>&1 & echo $!", "drover-start", log.toString()));
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      command.add("/usr/bin/setsid");
    }
    command.addAll(supervisorCommand());
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(layout.projectDir().toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectErrorStream(true);
    supervisorEnvironment(builder.environment());
    Process shell = builder.start();
    String said = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    int code = shell.waitFor();
    if (code != 0 || !said.matches("\\d+")) {
      throw new DroverException("cannot start the supervisor: " + (said.isEmpty() ? "/bin/sh exited " + code : said));
    }
    // empty when it is already gone: the wait then reports what its log says
    return ProcessHandle.of(Long.parseLong(said));
  }

  /** What the supervisor said since it was spawned: its "drover:" error lines, else its last lines. */
  private static List<String> failure(Path log, long offset) throws IOException {
    List<String> lines = new ArrayList<>();
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      byte[] tail = new byte[(int) Math.min(64 * 1024, f.length() - offset)];
      f.seek(f.length() - tail.length);
      f.readFully(tail);
      for (String line : new String(tail, StandardCharsets.UTF_8).split("\n")) {
        if (line.startsWith("drover: ") || line.contains("boot error:")) {
          lines.add(line);
        }
      }
      if (lines.isEmpty()) {
        String[] all = new String(tail, StandardCharsets.UTF_8).split("\n");
        for (int i = Math.max(0, all.length - 10); i < all.length; i++) {
          lines.add(all[i]);
        }
      }
    }
    return lines;
  }
}
