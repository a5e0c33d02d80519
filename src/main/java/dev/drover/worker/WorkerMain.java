package dev.drover.worker;

import dev.drover.config.WorkerSpec;
import dev.drover.wire.WorkerExit;
import dev.drover.wire.WorkerSpecs;
import io.undertow.server.HttpHandler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One worker process: {@code java -cp drover.jar dev.drover.worker.WorkerMain <worker-N.json>}, with the
 * secrets as the first line on standard input and that pipe kept open by the supervisor.
 *
 * <p>Exit codes: 0 after a stop (SIGTERM drains requests in flight for up to the graceful timeout; end of
 * standard input means the supervisor is gone and stops at once), {@link #BOOT_ERROR} when the worker
 * cannot start, with one line {@code boot error: <cause>} on standard output.
 */
public final class WorkerMain {
  /** The worker cannot start and a restart would fail the same way: do not restart it. */
  public static final int BOOT_ERROR = WorkerExit.BOOT_ERROR;
  /** Exit code when a stop did not finish within its deadline and the process was halted. */
  static final int STOP_HUNG = WorkerExit.STOP_HUNG;
  /** How long an orphaned worker lets requests in flight finish before it halts. */
  static final long ORPHAN_GRACE_MILLIS = 1_000;

  private final PrintStream out;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private volatile WorkerServer server;
  private volatile WorkerLog log;

  private WorkerMain(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    WorkerMain worker = new WorkerMain(System.out);
    try {
      worker.boot(args);
    } catch (BootException e) {
      worker.bootError(e.getMessage(), e.getCause());
    } catch (RuntimeException | Error e) {
      worker.bootError(String.valueOf(e), e);
    }
  }

  private void boot(String[] args) throws BootException {
    if (args.length != 1) {
      throw new BootException("usage: WorkerMain <worker spec file>");
    }
    WorkerSpec spec;
    try {
      spec = WorkerSpecs.read(Path.of(args[0]));
    } catch (IOException e) {
      throw new BootException("cannot read worker spec " + args[0] + ": " + e.getMessage(), e);
    }
    log = new WorkerLog(spec.id(), WorkerLog.parseLevel(spec.logLevel()), out, Clock.systemUTC());
    JulBridge.install(log);

    BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    WorkerSecrets secrets = readSecrets(stdin);
    StdinWatcher.start(stdin, this::onSupervisorGone);

    long pid = ProcessHandle.current().pid();
    log.info("starting app " + spec.app() + " (generation " + spec.generation() + ", env " + spec.env() + ", "
        + secrets.size() + " secrets, " + spec.ioThreads() + " IO and " + spec.workerThreads() + " worker threads)");
    HttpHandler app = new AppLoader(spec, secrets, log, pid).load();
    WorkerServer s = new WorkerServer(spec.host(), spec.port(), spec.ioThreads(), spec.workerThreads(), app);
    s.start();
    server = s;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> onTerm(spec.gracefulTimeoutMillis()), "drover-stop"));
    announce("worker " + spec.id() + " listening on http://" + hostForUrl(spec.host()) + ":" + s.address().getPort()
        + " (pid " + pid + ", app " + spec.app() + ")");
  }

  private WorkerSecrets readSecrets(BufferedReader stdin) throws BootException {
    String line;
    try {
      line = stdin.readLine();
    } catch (IOException e) {
      line = null;
    }
    if (line == null) {
      // Nobody is at the other end of the pipe: there is no one to report a boot error to either.
      log.warn("standard input closed before the secrets line: the supervisor is gone; exiting");
      Runtime.getRuntime().halt(0);
      return WorkerSecrets.none();
    }
    return line.isBlank() ? WorkerSecrets.none() : WorkerSecrets.parse(line);
  }

  /**
   * SIGTERM (or any normal JVM exit): stop taking requests, let those in flight finish within the graceful
   * timeout, stop, exit 0. Runs as a shutdown hook; halting at its end makes the exit code 0, not 143.
   */
  private void onTerm(long gracefulTimeoutMillis) {
    if (!stopping.compareAndSet(false, true)) {
      sleep(ORPHAN_GRACE_MILLIS * 3); // the orphan path halts the process meanwhile
      return;
    }
    haltLater(gracefulTimeoutMillis + 5_000, "stop did not finish in time; halting");
    log.info("stopping: finishing requests in flight (up to " + gracefulTimeoutMillis + " ms)");
    boolean drained = server.drainAndStop(gracefulTimeoutMillis);
    log.info(drained ? "stopped" : "stopped with requests still in flight after " + gracefulTimeoutMillis + " ms");
    Runtime.getRuntime().halt(0);
  }

  /** End of standard input: the supervisor died or let go of us. Stop fast, whatever state we are in. */
  private void onSupervisorGone() {
    log.warn("standard input closed: the supervisor is gone; stopping");
    haltLater(ORPHAN_GRACE_MILLIS + 500, "stop did not finish in time; halting");
    WorkerServer s = server;
    if (s != null && stopping.compareAndSet(false, true)) {
      s.drainAndStop(ORPHAN_GRACE_MILLIS);
    } else if (s != null) {
      return; // a SIGTERM stop is under way; the deadline above bounds it
    }
    log.info("stopped");
    exitWithoutArchive();
    Runtime.getRuntime().halt(0);
  }

  /**
   * A worker started to write the class data archive writes it at exit, which takes a second or more on a
   * busy machine; an orphan must go at once, and with the supervisor gone nobody would adopt the archive.
   * Only SIGKILL skips the JVM's exit work.
   */
  private static void exitWithoutArchive() {
    boolean writing = ProcessHandle.current().info().arguments()
        .map(args -> java.util.Arrays.stream(args).anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit")))
        .orElse(false);
    if (!writing) {
      return;
    }
    try {
      new ProcessBuilder("kill", "-KILL", Long.toString(ProcessHandle.current().pid()))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    } catch (java.io.IOException e) {
      // no kill command: exit normally, archive and all
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A deadline no stop can outlive: a stuck handler or a hung stop must never leave a process behind. */
  private void haltLater(long millis, String why) {
    Thread t = new Thread(() -> {
      sleep(millis);
      log.warn(why);
      Runtime.getRuntime().halt(STOP_HUNG);
    }, "drover-stop-deadline");
    t.setDaemon(true);
    t.start();
  }

  private void bootError(String message, Throwable cause) {
    synchronized (out) {
      out.println(WorkerExit.bootErrorLine(message));
      if (cause != null) {
        cause.printStackTrace(out);
      }
      out.flush();
    }
    System.exit(BOOT_ERROR);
  }

  /** Printed whatever the log level: the supervisor and the person starting drover both look for it. */
  private void announce(String line) {
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }

  private static String hostForUrl(String host) {
    return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
