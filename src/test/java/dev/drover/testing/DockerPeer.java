package dev.drover.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * The Docker engine for the tests tagged {@code docker}: a daemon that answers (else skip loudly, or fail on CI),
 * the FROM-scratch base image (made locally when missing, no registry needed), and the containers of a project
 * as the docker CLI lists them, so a test can prove none is left.
 */
public final class DockerPeer {
  public static final String BASE_IMAGE = "drover-jre:17";
  private static final Path MAKE_BASE = Path.of("src", "test", "docker", "make-base-image.sh");

  private DockerPeer() {
  }

  /** The docker CLI, with a daemon answering it and the base image present. */
  public static Path require() {
    Path docker = Peers.require("docker", "docker.io");
    Peers.Result info = Peers.run(List.of(docker.toString(), "info", "--format", "{{.ServerVersion}}"), Path.of("."),
        Duration.ofSeconds(30));
    if (!info.ok()) {
      String message = "no Docker daemon answers (" + info.output().strip().lines().findFirst().orElse("")
          + "): start dockerd, e.g. dockerd --iptables=false --ip-masq=false --bridge=none --storage-driver=overlay2";
      if ("true".equals(System.getenv("CI"))) {
        fail(message);
      }
      System.err.println();
      System.err.println("!!!!!!!! SKIPPED: " + message + " !!!!!!!!");
      System.err.println();
      Assumptions.abort(message);
    }
    Peers.Result base = Peers.run(List.of(MAKE_BASE.toAbsolutePath().toString(), BASE_IMAGE, Drover.JAR.toString()),
        Path.of("."), Duration.ofMinutes(5));
    if (!base.ok()) {
      fail("cannot make the base image " + BASE_IMAGE + ": " + base.output());
    }
    return docker;
  }

  public static Peers.Result docker(String... args) {
    String[] command = new String[args.length + 1];
    command[0] = Peers.require("docker", "docker.io").toString();
    System.arraycopy(args, 0, command, 1, args.length);
    return Peers.run(Arrays.asList(command), Path.of("."), Duration.ofMinutes(2));
  }

  /** Ids of every container, running or not, labelled with the project's folder. */
  public static List<String> containersOf(Path project) {
    Peers.Result ps = docker("ps", "-aq", "--filter", "label=dev.drover.project-dir=" + project.toAbsolutePath().normalize());
    if (!ps.ok()) {
      fail("docker ps failed: " + ps.output());
    }
    return ps.output().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }
}
