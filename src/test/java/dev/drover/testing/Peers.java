package dev.drover.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real programs some tests check drover's output against (nginx, haproxy, openssl). A missing one fails
 * the test on CI, where it must be installed, and elsewhere skips it with a message nobody can miss.
 */
public final class Peers {
  private Peers() {
  }

  /** What a peer printed and how it exited. */
  public record Result(int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  /** The path of {@code binary} on PATH, /usr/sbin or /sbin; fails (CI) or aborts (elsewhere) the test when absent. */
  public static Path require(String binary, String debianPackage) {
    Set<String> dirs = new LinkedHashSet<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(File.pathSeparator)));
    }
    dirs.addAll(List.of("/usr/sbin", "/sbin"));
    for (String dir : dirs) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, binary);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    String message = binary + " not found: apt-get install " + debianPackage;
    if ("true".equals(System.getenv("CI"))) {
      fail(message);
    }
    System.err.println();
    System.err.println("!!!!!!!! SKIPPED: " + message + " !!!!!!!!");
    System.err.println();
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  /** Runs a peer to completion, output and errors together; a peer still running after {@code timeout} is killed and fails the test. */
  public static Result run(List<String> command, Path workingDir, Duration timeout) {
    List<String> cmd = List.copyOf(command);
    Path log = null;
    Process p = null;
    try {
      // A file, not a pipe: a chatty peer can never block on a full pipe while we wait for it.
      log = Files.createTempFile("peer-", ".log");
      p = new ProcessBuilder(cmd).directory(workingDir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        fail(cmd + " still running after " + timeout);
      }
      return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + cmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + cmd, e);
    } finally {
      if (p != null && p.isAlive()) {
        p.destroyForcibly();
        try {
          p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (log != null) {
        try {
          Files.deleteIfExists(log);
        } catch (IOException e) {
          // a leftover log in the temp directory is harmless
        }
      }
    }
  }
}
