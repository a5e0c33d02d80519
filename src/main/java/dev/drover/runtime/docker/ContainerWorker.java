package dev.drover.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.Statistics;
import com.github.dockerjava.api.model.StatsConfig;
import dev.drover.runtime.WorkerProcess;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A worker running as a container, seen as the supervisor sees any worker. Signals go through the Engine API;
 * memory comes from the container's stats stream (usage less page cache, what the cgroup would reclaim last);
 * the exit completes only once the container is removed and its output is in the log, so a stopped cluster
 * leaves no container and a boot error's last lines are readable at once.
 */
final class ContainerWorker implements WorkerProcess {
  private final DockerClient docker;
  private final String id;
  private final long pid;
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private final List<Closeable> streams;
  private volatile long rss = -1;

  ContainerWorker(DockerClient docker, String id, long pid, CompletableFuture<Void> outputDone, Lifeline stdin,
      Closeable attach, Path specFile) {
    this.docker = docker;
    this.id = id;
    this.pid = pid;
    Closeable stats = docker.statsCmd(id).exec(new ResultCallback.Adapter<Statistics>() {
      @Override
      public void onNext(Statistics s) {
        rss = memoryOf(s);
      }
    });
    this.streams = List.of(stdin, attach, stats);
    docker.waitContainerCmd(id).exec(new ResultCallback.Adapter<com.github.dockerjava.api.model.WaitResponse>() {
      private volatile boolean seen;

      @Override
      public void onNext(com.github.dockerjava.api.model.WaitResponse r) {
        seen = true;
        finish(r.getStatusCode() == null ? -1 : r.getStatusCode(), outputDone, specFile);
      }

      @Override
      public void onError(Throwable t) {
        finish(-1, outputDone, specFile);
      }

      @Override
      public void onComplete() {
        if (!seen) {
          finish(-1, outputDone, specFile);
        }
      }
    });
  }

  private void finish(int code, CompletableFuture<Void> outputDone, Path specFile) {
    if (exit.isDone()) {
      return;
    }
    try {
      // The last lines arrive on the attach stream, which may trail the exit by a moment.
      outputDone.get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      // no more output coming, or it is late: the exit matters more
    }
    streams.forEach(ContainerWorker::closeQuietly);
    try {
      docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
    } catch (DockerException e) {
      // already gone (removed by a clean-up), or the daemon is gone: the next start removes what is left
    } catch (RuntimeException e) {
      // the connection to the daemon failed: same as above
    }
    try {
      Files.deleteIfExists(specFile);
    } catch (IOException e) {
      // a leftover spec in .drover/run is harmless
    }
    exit.complete(code);
  }

  static long memoryOf(Statistics s) {
    if (s.getMemoryStats() == null || s.getMemoryStats().getUsage() == null) {
      return -1;
    }
    long usage = s.getMemoryStats().getUsage();
    StatsConfig detail = s.getMemoryStats().getStats();
    long cache = 0;
    if (detail != null) {
      Long c = detail.getTotalInactiveFile() != null ? detail.getTotalInactiveFile()
          : detail.getInactiveFile() != null ? detail.getInactiveFile() : detail.getCache();
      cache = c == null ? 0 : c;
    }
    return Math.max(0, usage - cache);
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException | RuntimeException e) {
      // closing a stream to a container that is gone
    }
  }

  String containerId() {
    return id;
  }

  @Override
  public long pid() {
    return pid;
  }

  @Override
  public boolean isAlive() {
    return !exit.isDone();
  }

  @Override
  public CompletableFuture<Integer> onExit() {
    return exit;
  }

  @Override
  public void terminate() {
    signal("TERM");
  }

  @Override
  public void kill() {
    signal("KILL");
  }

  @Override
  public void dumpThreads() {
    signal("QUIT");
  }

  private void signal(String name) {
    if (exit.isDone()) {
      return;
    }
    try {
      docker.killContainerCmd(id).withSignal(name).exec();
    } catch (RuntimeException e) {
      // not running any more: its exit is on the way
    }
  }

  @Override
  public long rssBytes() {
    return rss;
  }
}
