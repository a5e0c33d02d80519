package dev.drover.worker;

import dev.drover.config.WorkerSpec;
import dev.drover.wire.WorkerSpecs;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real worker JVM started the way the supervisor starts one: spec file as the only argument, output
 * appended to a log file, the secrets line written to a pipe that stays open.
 */
final class LaunchedWorker {
  /** Small-footprint flags: several worker JVMs share two cores in these tests. */
  static final List<String> JVM_OPTIONS =
      List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss256k", "-Xmx64m", "-XX:-UsePerfData");

  final Process process;
  final Path log;
  final int port;

  private LaunchedWorker(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static WorkerSpec spec(Path project, int port, String app, List<String> classpath, Map<String, Object> settings) {
    return new WorkerSpec(1, 1, "127.0.0.1", port, "development", project.toString(), app, classpath, "public",
        "INFO", 1, 2, 10_000, settings);
  }

  /** Writes the spec under the project's .drover/run, starts the JVM and sends the secrets line. */
  static LaunchedWorker start(Path project, WorkerSpec spec, String secretsLine) throws IOException {
    Path specFile = project.resolve(".drover/run/worker-" + spec.id() + ".json");
    WorkerSpecs.write(specFile, spec);
    Path log = project.resolve(".drover/logs/worker-" + spec.id() + ".log");
    Files.createDirectories(log.getParent());
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.addAll(JVM_OPTIONS);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), WorkerMain.class.getName(),
        specFile.toAbsolutePath().toString()));
    Process p = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    OutputStream stdin = p.getOutputStream();
    stdin.write((secretsLine + "\n").getBytes(StandardCharsets.UTF_8));
    stdin.flush();
    return new LaunchedWorker(p, log, spec.port());
  }

  /** Polls the health endpoint until it answers 200; fails if the process exits or time runs out. */
  LaunchedWorker awaitReady() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("worker exited with " + process.exitValue() + " before it was ready:\n" + log());
      }
      try {
        if (TestHttp.get(port, HealthHandler.PATH).status() == 200) {
          return this;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    throw new AssertionError("worker not ready within 30 s:\n" + log());
  }

  String log() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  long pid() {
    return process.pid();
  }

  void closeStdin() throws IOException {
    process.getOutputStream().close();
  }
}
