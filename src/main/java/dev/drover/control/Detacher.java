package dev.drover.control;

import dev.drover.config.Config;
import dev.drover.config.DroverException;
import dev.drover.config.RunLayout;
import dev.drover.config.SettingsLoader;
import dev.drover.config.ThisJvm;
import dev.drover.supervisor.Cluster;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
  /**
   * The supervisor's progress lines: "workers ready 3/5" while starting, the same with the address once
   * the balancer listens.
   */
  private static final Pattern PROGRESS = Pattern.compile("workers ready (\\d+)/\\d+");
  private static final long POLL_MILLIS = 10;
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
  /** How long a supervisor stopped by a failed start may take before it is killed. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);

  private final SettingsLoader loader;
  private final String env;
  private final RunLayout layout;
  private final PrintWriter out;

  public Detacher(SettingsLoader loader, String env, PrintWriter out) {
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
    // The supervisor boots while this JVM reads the settings it needs for the progress lines: both take a few
    // hundred milliseconds of the wait a user sees. Settings that do not load stop the supervisor too.
    Optional<ProcessHandle> child = spawn(log);
    Config config;
    try {
      config = loader.load(env);
    } catch (RuntimeException e) {
      stop(child);
      throw e;
    }
    config.warnings().forEach(out::println);
    int total = config.settings().cluster().workers().count(Runtime.getRuntime().availableProcessors());
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    long shown = -1;
    // The supervisor prints its progress to its log; reading that is far cheaper than asking it over the
    // control socket, and this wait is the whole of what a user sees of start -d.
    try (RandomAccessFile reader = new RandomAccessFile(log.toFile(), "r")) {
      reader.seek(offset);
      StringBuilder pending = new StringBuilder();
      boolean running = false;
      while (System.nanoTime() < deadline) {
        for (String line : newLines(reader, pending)) {
          Matcher progress = PROGRESS.matcher(line);
          if (progress.lookingAt()) {
            long ready = Long.parseLong(progress.group(1));
            running |= line.length() > progress.end();
            if (ready != shown) {
              out.println("workers ready " + ready + "/" + total);
              out.flush();
              shown = ready;
            }
          }
        }
        if (running && portOpen(config)) {
          out.println("workers ready " + total + "/" + total + "  ·  http://" + config.settings().balancer().listen()
              + "  ·  env " + env + "  ·  pid " + child.get().pid() + "  ·  logs .drover/logs/");
          return 0;
        }
        if (!child.map(ProcessHandle::isAlive).orElse(false)) {
          failure(log, offset).forEach(out::println);
          throw new DroverException("the supervisor stopped before every worker was ready (see .drover/logs/supervisor.log)");
        }
        Thread.sleep(POLL_MILLIS);
      }
    }
    stop(child);
    throw new DroverException("workers not ready after " + READY_TIMEOUT.toMinutes() + " minutes; stopped (see .drover/logs/)");
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

  /** The complete lines appended since the last call; a partial last line waits in {@code pending}. */
  private static List<String> newLines(RandomAccessFile reader, StringBuilder pending) throws IOException {
    long available = reader.length() - reader.getFilePointer();
    if (available <= 0) {
      return List.of();
    }
    byte[] bytes = new byte[(int) Math.min(available, 1 << 20)];
    reader.readFully(bytes);
    pending.append(new String(bytes, StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>();
    int newline;
    while ((newline = pending.indexOf("\n")) >= 0) {
      lines.add(pending.substring(0, newline));
      pending.delete(0, newline + 1);
    }
    return lines;
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
    command.add(ThisJvm.javaBinary());
    command.addAll(Cluster.supervisorJvmOptions(layout, SUPERVISOR_JVM, line -> { }));
    command.add("-cp");
    command.add(ThisJvm.classpath());
    command.add(MAIN);
    command.addAll(List.of(layout.projectDir().toString(), env));
    Process shell = new ProcessBuilder(command)
        .directory(layout.projectDir().toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectErrorStream(true)
        .start();
    String said = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    int code = shell.waitFor();
    if (code != 0 || !said.matches("\\d+")) {
      throw new DroverException("cannot start the supervisor: " + (said.isEmpty() ? "/bin/sh exited " + code : said));
    }
    // empty when it is already gone: the wait then reports what its log says
    return ProcessHandle.of(Long.parseLong(said));
  }

  /** The balancer listens only after the supervisor says running; wait for the socket too. */
  private static boolean portOpen(Config config) {
    var listen = config.settings().balancer().listen();
    String host = listen.host().equals("0.0.0.0") ? "127.0.0.1" : listen.host().equals("::") ? "::1" : listen.host();
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress(host, listen.port()), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
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
