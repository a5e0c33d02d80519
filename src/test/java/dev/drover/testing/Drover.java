package dev.drover.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs the packaged drover jar as a user would, and finds the processes it left. */
public final class Drover {
  /** Relative, as the README runs it: the supervisor and its workers run in the project, not here. */
  public static final Path JAR = Path.of("target", "drover.jar");

  /** The outcome of one drover command. */
  public record Result(int code, String out) {
  }

  private Drover() {
  }

  public static Result run(Path project, String... args) {
    return runJar(JAR, project, args);
  }

  /** Runs the drover of the given jar, as an installed copy of it would be run. */
  public static Result runJar(Path jar, Path project, String... args) {
    List<String> command = new ArrayList<>(List.of(java(), "-jar", jar.toString(), "-C", project.toString()));
    command.addAll(List.of(args));
    try {
      Path output = Files.createTempFile("drover-out", ".txt");
      try {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(output.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new AssertionError("drover " + String.join(" ", args) + " did not finish in 180 s");
        }
        return new Result(p.exitValue(), Files.readString(output));
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /**
   * A free port below the kernel's ephemeral range (32768 and up here). Worker ports come from that range, and
   * the balancer binds only once its workers are up, so a balancer port taken from it could be handed to a
   * worker first.
   */
  public static int freePort() {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = 20_000 + random.nextInt(12_000);
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (IOException taken) {
        // try another
      }
    }
    throw new UncheckedIOException(new IOException("no free port between 20000 and 32000 on 127.0.0.1"));
  }

  /** Every live process whose command line mentions the text (a project's unique temp path, say). */
  public static List<ProcessHandle> processesMentioning(String text) {
    List<ProcessHandle> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.toList()) {
        String name = proc.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit) || Long.parseLong(name) == ProcessHandle.current().pid()) {
          continue;
        }
        String cmdline = read(proc.resolve("cmdline"));
        if (cmdline.contains(text)) {
          ProcessHandle.of(Long.parseLong(name)).filter(ProcessHandle::isAlive).ifPresent(found::add);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  /** A process's command line or environment from /proc, NULs as spaces; empty if it is gone. */
  public static String read(Path procFile) {
    try {
      return new String(Files.readAllBytes(procFile), StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }

  /** Kills whatever a failed test left, so one failure does not leak processes into the next. */
  public static void killAllMentioning(String text) {
    processesMentioning(text).forEach(ProcessHandle::destroyForcibly);
  }
}
