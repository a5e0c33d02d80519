package dev.drover.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/** A worker running as a child process of this JVM. */
final class ChildProcess implements WorkerProcess {
  private final Process process;
  private final CompletableFuture<Integer> exit;

  ChildProcess(Process process) {
    this.process = process;
    this.exit = process.onExit().thenApply(Process::exitValue);
  }

  @Override
  public long pid() {
    return process.pid();
  }

  @Override
  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public CompletableFuture<Integer> onExit() {
    return exit;
  }

  /** Signals through the handle: Process.destroy() would also close stdin, which the worker reads as "supervisor gone". */
  @Override
  public void terminate() {
    process.toHandle().destroy();
  }

  @Override
  public void kill() {
    process.toHandle().destroyForcibly();
  }

  @Override
  public void dumpThreads() {
    Signals.send(process.pid(), "QUIT");
  }

  @Override
  public long rssBytes() {
    return ProcStats.rssBytes(process.pid());
  }

  /** Reads /proc, Linux's account of a process. */
  static final class ProcStats {
    private ProcStats() {
    }

    static long rssBytes(long pid) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
          if (line.startsWith("VmRSS:")) {
            return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
          }
        }
      } catch (IOException | NumberFormatException e) {
        // gone, or not Linux: unknown
      }
      return -1;
    }
  }
}
