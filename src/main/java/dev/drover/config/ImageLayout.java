package dev.drover.config;

import java.util.List;

/**
 * Where things live inside a drover worker image: the one contract between the image {@code drover image
 * build} makes, the containers the docker runtime starts, and the compose and Kubernetes files drover
 * renders.
 */
public final class ImageLayout {
  /** The base image's Java runtime. */
  public static final String JAVA = "/opt/jre/bin/java";
  public static final String DROVER_JAR = "/opt/drover/drover.jar";
  /** The project inside the image: the app's classpath entries at their paths relative to the project. */
  public static final String PROJECT_DIR = "/app";
  /** Where compose and Kubernetes mount the secrets; the image's {@code /app/.secrets.toml} points here. */
  public static final String SECRETS_DIR = "/run/secrets/drover";
  public static final String SECRETS_FILE = SECRETS_DIR + "/secrets.toml";
  /** Where the docker runtime puts a worker's spec. */
  public static final String WORKER_SPEC = "/run/drover/worker.json";
  /** A user with no home and no privileges, for Kubernetes' runAsNonRoot. */
  public static final long NON_ROOT_UID = 65532;

  private ImageLayout() {
  }

  /** The project's name in image tags, compose and Kubernetes: its folder's name as a DNS label. */
  public static String projectName(java.nio.file.Path projectDir) {
    java.nio.file.Path name = projectDir.toAbsolutePath().normalize().getFileName();
    String label = (name == null ? "" : name.toString()).toLowerCase(java.util.Locale.ROOT)
        .replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
    if (label.length() > 40) {
      label = label.substring(0, 40).replaceAll("-+$", "");
    }
    return label.isEmpty() ? "drover" : label;
  }

  /** The image's command: the supervisor in the foreground, as gunicorn runs in a container. */
  public static List<String> startCommand() {
    return List.of(JAVA, "-jar", DROVER_JAR, "-C", PROJECT_DIR, "start");
  }

  /** A health check: {@code drover status} asks the running supervisor over its socket; exit 0 when it answers. */
  public static List<String> statusCommand() {
    return List.of(JAVA, "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-jar", DROVER_JAR, "-C", PROJECT_DIR, "status");
  }
}
