package dev.drover.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The effective, validated settings of one environment. Immutable; secrets appear only as {@link Secret}
 * values in {@link #secrets()}, keyed by their dotted path ({@code secret_key}, {@code app_settings.db_password}).
 * The {@code balancer.admin_token} is not among them: it is the supervisor's, never the app's, so it is
 * {@link #adminToken()} alone (empty when not set).
 */
public record Settings(
    String env,
    Path projectDir,
    String app,
    List<String> appClasspath,
    String logLevel,
    String staticRoot,
    Map<String, Object> appSettings,
    Map<String, Secret> secrets,
    ClusterSettings cluster,
    BalancerSettings balancer,
    Secret adminToken,
    DockerSettings docker,
    KubernetesSettings kubernetes) {

  public Secret secretKey() {
    return secrets.getOrDefault("secret_key", new Secret(""));
  }
}
