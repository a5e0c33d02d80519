package dev.drover.config;

/**
 * {@code [<env>.docker]}: the worker image and the cgroup limits of each worker container.
 *
 * @param baseImage the image worker images start from; it must hold a Java runtime at {@code /opt/jre}
 * @param image     the image the docker runtime, compose and Kubernetes run; empty means the tag
 *                  {@code drover image build} gives the project as it is now
 * @param memory    memory limit per container; zero means none
 * @param cpus      CPU limit per container as Docker writes it ({@code "0.5"}); {@code "0"} means none
 */
public record DockerSettings(String baseImage, String image, DataSize memory, String cpus) {

  /** Docker's NanoCPUs for the limit, 0 for none. */
  public long nanoCpus() {
    return new java.math.BigDecimal(cpus).movePointRight(9).longValue();
  }
}
