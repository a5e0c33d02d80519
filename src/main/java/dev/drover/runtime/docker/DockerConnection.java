package dev.drover.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.drover.config.DroverException;
import java.io.IOException;
import java.time.Duration;

/**
 * A connection to the Docker engine: {@code DOCKER_HOST} when set, else the local Unix socket. The first call
 * pings the daemon so that "not running" or "no permission on the socket" is one clear line, not a stack trace
 * from the first real request.
 */
public final class DockerConnection implements AutoCloseable {
  private final DockerClient client;
  private final String host;

  private DockerConnection(DockerClient client, String host) {
    this.client = client;
    this.host = host;
  }

  /** Connects and pings; throws a {@link DroverException} saying what to do when the daemon cannot be reached. */
  public static DockerConnection open() {
    DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
    ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
        .dockerHost(config.getDockerHost())
        .sslConfig(config.getSSLConfig())
        .maxConnections(256)
        .connectionTimeout(Duration.ofSeconds(5))
        .build();
    String host = config.getDockerHost().toString();
    DockerConnection connection = new DockerConnection(DockerClientImpl.getInstance(config, http), host);
    try {
      connection.client.pingCmd().exec();
    } catch (RuntimeException e) {
      connection.close();
      throw new DroverException("cannot reach the Docker daemon at " + host + ": " + rootMessage(e)
          + " (is dockerd running, and may this user open its socket? DOCKER_HOST names another daemon)", e);
    }
    return connection;
  }

  DockerClient client() {
    return client;
  }

  public String host() {
    return host;
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m.strip();
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (IOException e) {
      // closing a pool of idle connections: nothing to report
    }
  }
}
