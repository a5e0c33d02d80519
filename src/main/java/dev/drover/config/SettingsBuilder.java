package dev.drover.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns validated entries into the typed {@link Settings} record. */
final class SettingsBuilder {
  private static final String FALLBACKS = "secret_key_fallbacks";
  private static final String ADMIN_TOKEN = "balancer.admin_token";
  private final Map<String, Entry> entries;

  private SettingsBuilder(Map<String, Entry> entries) {
    this.entries = entries;
  }

  static Settings build(String env, Path projectDir, Map<String, Entry> entries) {
    return new SettingsBuilder(entries).build(env, projectDir);
  }

  private Settings build(String env, Path projectDir) {
    Map<String, Object> appSettings = new LinkedHashMap<>();
    Map<String, Secret> secrets = new LinkedHashMap<>();
    for (Entry e : entries.values()) {
      boolean appKey = e.key().path().startsWith(Schema.APP_SETTINGS + ".");
      if (e.key().path().equals(ADMIN_TOKEN)) {
        continue; // the supervisor's own secret: never handed to workers with the app's
      } else if (e.key().path().equals(FALLBACKS) && e.value() instanceof List<?> keys) {
        // a list of secrets, handed to workers one by one as secret_key_fallbacks.0, .1, …
        for (int i = 0; i < keys.size(); i++) {
          secrets.put(FALLBACKS + "." + i, new Secret(String.valueOf(keys.get(i))));
        }
      } else if (e.secret() && (appKey || e.value() instanceof String s && !s.isEmpty())) {
        secrets.put(e.key().path(), new Secret(String.valueOf(e.value())));
      } else if (appKey) {
        appSettings.put(e.key().path().substring(Schema.APP_SETTINGS.length() + 1), e.value());
      }
    }
    ClusterSettings cluster = new ClusterSettings(
        get("cluster.workers"), get("cluster.runtime"), get("cluster.base_port"), get("cluster.timeout"),
        get("cluster.graceful_timeout"), get("cluster.max_requests"), get("cluster.max_requests_jitter"),
        get("cluster.max_memory"), get("cluster.threads"), get("cluster.jvm_options"));
    RateLimitSettings rateLimit = new RateLimitSettings(
        get("balancer.rate_limit.enabled"), get("balancer.rate_limit.default"), get("balancer.rate_limit.burst"),
        get("balancer.rate_limit.routes"));
    TlsSettings tls = new TlsSettings(get("balancer.tls.cert"), get("balancer.tls.key"), get("balancer.tls.redirect_from"));
    BalancerSettings balancer = new BalancerSettings(
        get("balancer.listen"), get("balancer.strategy"), get("balancer.max_concurrent"), get("balancer.queue"),
        get("balancer.max_connections_per_ip"), get("balancer.max_body"), get("balancer.max_header_size"),
        this.<Duration>get("balancer.read_timeout"), get("balancer.idle_timeout"), get("balancer.upstream_timeout"),
        get("balancer.trusted_proxies"), get("balancer.access_log_format"), get("balancer.admin_listen"), rateLimit, tls,
        get("balancer.fast_path"));
    DockerSettings docker = new DockerSettings(get("docker.base_image"), get("docker.image"), get("docker.memory"),
        get("docker.cpus"));
    KubernetesSettings kubernetes = new KubernetesSettings(get("kubernetes.replicas"), get("kubernetes.namespace"),
        get("kubernetes.cpu_request"), get("kubernetes.memory_request"), get("kubernetes.cpu_limit"),
        get("kubernetes.memory_limit"), get("kubernetes.hpa_max_replicas"), get("kubernetes.hpa_cpu_percent"),
        get("kubernetes.ingress_host"), get("kubernetes.ingress_class"));
    return new Settings(env, projectDir, get("app"), this.<List<String>>get("app_classpath"), get("log_level"),
        get("static.root"), Map.copyOf(appSettings), Map.copyOf(secrets), cluster, balancer,
        new Secret(String.valueOf(this.<String>get(ADMIN_TOKEN))), docker, kubernetes);
  }

  @SuppressWarnings("unchecked")
  private <T> T get(String path) {
    Entry e = entries.get(path);
    if (e == null) {
      throw new IllegalStateException("no schema entry for " + path);
    }
    return (T) e.value();
  }
}
