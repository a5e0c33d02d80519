package dev.drover.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import dev.drover.config.DroverException;
import dev.drover.config.ImageLayout;
import dev.drover.config.RunLayout;
import dev.drover.config.Secret;
import dev.drover.config.Settings;
import dev.drover.config.WorkerSpec;
import dev.drover.runtime.ProcessLauncher;
import dev.drover.runtime.WorkerLauncher;
import dev.drover.runtime.WorkerProcess;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs each worker as a container of the project's worker image: the same worker main, spec file (mounted
 * read-only) and secrets line on standard input as the process runtime, so the supervisor cannot tell them
 * apart. Host networking, so the worker's 127.0.0.1 port is the balancer's to reach (and the only way on a
 * daemon without a bridge); the host's pid namespace, so the pid the worker reports in its health answer is the
 * pid the supervisor knows. Each container carries {@code dev.drover.*} labels, and {@code [docker] memory}
 * and {@code cpus} become its cgroup limits.
 */
public final class DockerLauncher implements WorkerLauncher {
  private final DockerConnection docker;
  private final RunLayout layout;
  private final String image;
  private final long memoryBytes;
  private final long nanoCpus;
  private final List<String> jvmOptions;

  public DockerLauncher(DockerConnection docker, RunLayout layout, Settings settings, String image,
      List<String> jvmOptions) {
    this.docker = docker;
    this.layout = layout;
    this.image = image;
    this.memoryBytes = settings.docker().memory().bytes();
    this.nanoCpus = settings.docker().nanoCpus();
    this.jvmOptions = List.copyOf(jvmOptions);
  }

  /**
   * The image the docker runtime runs for these settings: {@code docker.image}, else the tag {@code drover image
   * build} gives the project now. Fails with the build hint when the daemon does not have it.
   */
  public static String requireImage(DockerConnection docker, Settings settings, Path droverJar) {
    String image = settings.docker().image().isEmpty()
        ? ImageContext.of(settings, droverJar).defaultTag() : settings.docker().image();
    try {
      docker.client().inspectImageCmd(image).exec();
    } catch (NotFoundException e) {
      throw new DroverException("image " + image + " not found on " + docker.host() + " (cluster.runtime = \"docker\"): "
          + (settings.docker().image().isEmpty()
              ? "run 'drover image build' first; it tags the project as it is now"
              : "build it, or set docker.image in settings.toml to one the daemon has"));
    }
    return image;
  }

  /**
   * Removes the containers an earlier supervisor of this project left (killed before it could stop them). Call
   * only while this supervisor has started none, holding the project's lock. Returns how many were removed.
   */
  public static int removeLeftovers(DockerConnection docker, RunLayout layout) {
    List<Container> left = docker.client().listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of(DockerLabels.PROJECT_DIR, layout.projectDir().toString())).exec();
    for (Container c : left) {
      try {
        docker.client().removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
      } catch (NotFoundException e) {
        // gone meanwhile
      }
    }
    return left.size();
  }

  @Override
  public WorkerProcess launch(WorkerSpec spec, Map<String, Secret> secrets) {
    DockerClient client = docker.client();
    Path specFile = null;
    String id = null;
    try {
      Files.createDirectories(layout.logsDir());
      // Inside the image the project is /app: the app's classpath entries and static root sit there at the same
      // relative paths, so the spec differs from the process runtime's in that one field.
      specFile = ProcessLauncher.writeSpec(layout, new WorkerSpec(spec.id(), spec.generation(), spec.host(), spec.port(),
          spec.env(), ImageLayout.PROJECT_DIR, spec.app(), spec.appClasspath(), spec.staticRoot(), spec.logLevel(),
          spec.ioThreads(), spec.workerThreads(), spec.gracefulTimeoutMillis(), spec.appSettings()));
      id = create(client, spec, specFile).exec().getId();
      Lifeline stdin = new Lifeline(ProcessLauncher.secretsLine(secrets));
      CompletableFuture<Void> outputDone = new CompletableFuture<>();
      OutputStream log = new FileOutputStream(layout.workerLog(spec.id()).toFile(), true);
      ResultCallback.Adapter<Frame> attach = client.attachContainerCmd(id)
          .withStdIn(stdin).withStdOut(true).withStdErr(true).withFollowStream(true)
          .exec(new ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame frame) {
              try {
                log.write(frame.getPayload());
                log.flush();
              } catch (IOException e) {
                // the log's disk is full or gone: the worker runs on
              }
            }

            @Override
            public void onComplete() {
              closeLog();
            }

            @Override
            public void onError(Throwable t) {
              closeLog();
            }

            private void closeLog() {
              try {
                log.close();
              } catch (IOException e) {
                // nothing more to write
              }
              outputDone.complete(null);
            }
          });
      attach.awaitStarted(10, TimeUnit.SECONDS);
      client.startContainerCmd(id).exec();
      Long pid = client.inspectContainerCmd(id).exec().getState().getPidLong();
      return new ContainerWorker(client, id, pid == null ? -1 : pid, outputDone, stdin, attach, specFile);
    } catch (NotFoundException e) {
      cleanUp(client, id, specFile);
      return failed(spec, "image " + image + " not found (run 'drover image build')");
    } catch (IOException | RuntimeException e) {
      cleanUp(client, id, specFile);
      return failed(spec, "cannot start a container of " + image + ": " + DockerConnection.rootMessage(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cleanUp(client, id, specFile);
      return failed(spec, "interrupted while starting its container");
    }
  }

  /** The daemon refused: written to the worker's log as its boot error, so the supervisor reports it as one. */
  private WorkerProcess failed(WorkerSpec spec, String why) {
    try (OutputStream log = new FileOutputStream(layout.workerLog(spec.id()).toFile(), true)) {
      log.write(("boot error: " + why + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException e) {
      // no log to write to: the exit code alone still stops a restart loop
    }
    return new FailedLaunch();
  }

  private CreateContainerCmd create(DockerClient client, WorkerSpec spec, Path specFile) {
    List<String> command = new ArrayList<>();
    command.add(ImageLayout.JAVA);
    command.addAll(jvmOptions);
    command.add("-Ddrover.worker=" + spec.id());
    command.add("-cp");
    command.add(ImageLayout.DROVER_JAR);
    command.add("dev.drover.worker.WorkerMain");
    command.add(ImageLayout.WORKER_SPEC);
    HostConfig host = HostConfig.newHostConfig()
        .withNetworkMode("host")
        .withPidMode("host")
        .withBinds(new Bind(specFile.toString(), new Volume(ImageLayout.WORKER_SPEC), AccessMode.ro));
    if (memoryBytes > 0) {
      host.withMemory(memoryBytes).withMemorySwap(memoryBytes);
    }
    if (nanoCpus > 0) {
      host.withNanoCPUs(nanoCpus);
    }
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(DockerLabels.PROJECT, ImageLayout.projectName(layout.projectDir()));
    labels.put(DockerLabels.PROJECT_DIR, layout.projectDir().toString());
    labels.put(DockerLabels.GENERATION, Integer.toString(spec.generation()));
    labels.put(DockerLabels.WORKER, Integer.toString(spec.id()));
    return client.createContainerCmd(image)
        .withCmd(command)
        .withLabels(labels)
        .withHostConfig(host)
        .withAttachStdin(true).withStdinOpen(true).withStdInOnce(true)
        .withAttachStdout(true).withAttachStderr(true).withTty(false);
  }

  private static void cleanUp(DockerClient client, String id, Path specFile) {
    if (id != null) {
      try {
        client.removeContainerCmd(id).withForce(true).exec();
      } catch (RuntimeException e) {
        // never created, or already gone
      }
    }
    if (specFile != null) {
      try {
        Files.deleteIfExists(specFile);
      } catch (IOException e) {
        // harmless leftover
      }
    }
  }
}
