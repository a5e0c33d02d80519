package dev.drover.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every setting drover knows, in the order {@code init} writes them. The single source for validation,
 * environment-variable conversion, defaults and documentation: add a key here and it is validated,
 * shown, overridable and listed by {@code init} at once.
 */
public final class Schema {
  /** The route rules of {@code [[<env>.balancer.rate_limit.routes]]}, checked by {@link RoutesReader}. */
  public static final ValueType ROUTES = new RoutesReader.RoutesType();

  private static final List<Key> KEYS = List.of(
      key("app", ValueType.STRING, "demo", "demo | static | fully qualified class name (HttpHandler or dev.drover.worker.App)"),
      key("app_classpath", ValueType.STRING_LIST, List.of(), "jars or directories of a custom app, relative to the project"),
      key("log_level", ValueType.oneOf("TRACE", "DEBUG", "INFO", "WARN", "ERROR"), "INFO", "TRACE | DEBUG | INFO | WARN | ERROR"),
      key("secret_key", ValueType.STRING, "", "signing key handed to the app; keep it in .secrets.toml"),
      key("secret_key_fallbacks", ValueType.STRING_LIST, List.of(), "retired secret_keys whose signed sessions still verify; in .secrets.toml"),

      key("static.root", ValueType.STRING, "public", "directory served by app = \"static\", relative to the project"),

      key("cluster.workers", ValueType.WORKERS, Workers.AUTO, "\"auto\" (cores*2+1) or a count"),
      key("cluster.runtime", ValueType.oneOf("process", "docker"), "process", "process | docker"),
      key("cluster.base_port", ValueType.integer(0, 65535), 0, "first worker port; 0 = free ports chosen by drover"),
      key("cluster.timeout", ValueType.DURATION, Duration.ofSeconds(30), "a worker silent this long is killed and replaced"),
      key("cluster.graceful_timeout", ValueType.DURATION, Duration.ofSeconds(30), "time to finish in-flight requests on stop"),
      key("cluster.max_requests", ValueType.integer(0, Integer.MAX_VALUE), 0, "recycle a worker after this many requests; 0 = never"),
      key("cluster.max_requests_jitter", ValueType.integer(0, Integer.MAX_VALUE), 0, "random extra requests so workers do not recycle together"),
      key("cluster.max_memory", ValueType.SIZE, DataSize.ofBytes(0), "recycle a worker whose RSS passes this; 0 = no limit"),
      key("cluster.threads", ValueType.integer(1, 10_000), 64, "request threads per worker, sized for blocking handlers"),
      key("cluster.jvm_options", ValueType.STRING_LIST, List.of(), "worker JVM options; empty = drover's small-footprint default"),

      key("balancer.listen", ValueType.HOST_PORT, HostPort.parse("127.0.0.1:8000"), "address of the built-in balancer"),
      key("balancer.strategy", ValueType.oneOf("round_robin", "least_connections"), "least_connections", "round_robin | least_connections"),
      key("balancer.max_concurrent", ValueType.integer(1, 1_000_000), 1000, "requests in flight at once"),
      key("balancer.queue", ValueType.integer(0, 1_000_000), 500, "requests waiting beyond max_concurrent; more get 503"),
      key("balancer.max_connections_per_ip", ValueType.integer(0, 1_000_000), 0, "open connections per client address; 0 = no limit"),
      key("balancer.max_body", ValueType.SIZE, DataSize.parse("10MB"), "largest request body (413)"),
      key("balancer.max_header_size", ValueType.SIZE, DataSize.parse("8KB"), "largest request head (431)"),
      key("balancer.read_timeout", ValueType.DURATION, Duration.ofSeconds(10), "time to receive a request head; slow clients are cut"),
      key("balancer.idle_timeout", ValueType.DURATION, Duration.ofSeconds(60), "idle keep-alive connections are closed after this"),
      key("balancer.upstream_timeout", ValueType.DURATION, Duration.ofSeconds(60), "a worker slower than this gets the client a 504"),
      key("balancer.trusted_proxies", ValueType.CIDR_LIST, List.of(), "CIDRs whose X-Forwarded-For is believed"),
      key("balancer.access_log_format", ValueType.oneOf("combined", "json"), "combined", "combined | json"),
      key("balancer.admin_listen", ValueType.OPTIONAL_LISTEN, "", "host:port of /metrics and the dashboard; keep it on loopback; empty = off"),
      key("balancer.admin_token", ValueType.STRING, "", "token the dashboard's actions need (made by init, in .secrets.toml); empty = read-only"),
      key("balancer.fast_path", ValueType.BOOLEAN, true, "plain HTTP/1.1 requests take the lean proxy path; false = every request through Undertow"),

      key("balancer.rate_limit.enabled", ValueType.BOOLEAN, true, "per-client rate limiting on or off"),
      key("balancer.rate_limit.default", ValueType.RATE, Rate.parse("200/minute"), "limit per client address"),
      key("balancer.rate_limit.burst", ValueType.integer(0, 1_000_000), 0, "extra requests allowed at once; 0 = the limit's count"),
      key("balancer.rate_limit.routes", ROUTES, List.of(), "[[<env>.balancer.rate_limit.routes]] path, method, limit, burst"),

      key("balancer.tls.cert", ValueType.STRING, "", "PEM certificate chain; empty = plain HTTP"),
      key("balancer.tls.key", ValueType.STRING, "", "PEM private key (the path may live in .secrets.toml)"),
      key("balancer.tls.redirect_from", ValueType.integer(0, 65535), 0, "HTTP port that redirects to HTTPS; 0 = none"),

      key("docker.base_image", ValueType.STRING, "drover-jre:17", "image with a Java 17+ runtime at /opt/jre that worker images start from"),
      key("docker.image", ValueType.STRING, "", "worker image to run; empty = the tag 'drover image build' gives the project now"),
      key("docker.memory", ValueType.SIZE, DataSize.ofBytes(0), "memory limit per container (cgroup); 0 = none"),
      key("docker.cpus", ValueType.CPUS, "0", "CPU limit per container, such as \"1\" or \"0.5\"; \"0\" = none"),

      key("kubernetes.replicas", ValueType.integer(1, 10_000), 2, "pods of the Deployment, each a balancer and its workers"),
      key("kubernetes.namespace", ValueType.STRING, "", "namespace of every object; empty = the kubectl context's"),
      key("kubernetes.cpu_request", ValueType.QUANTITY, "500m", "CPU requested per pod (a Kubernetes quantity)"),
      key("kubernetes.memory_request", ValueType.QUANTITY, "512Mi", "memory requested per pod"),
      key("kubernetes.cpu_limit", ValueType.QUANTITY, "", "CPU limit per pod; empty = none"),
      key("kubernetes.memory_limit", ValueType.QUANTITY, "1Gi", "memory limit per pod; empty = none"),
      key("kubernetes.hpa_max_replicas", ValueType.integer(0, 10_000), 0, "HorizontalPodAutoscaler up to this many pods; 0 = no autoscaler"),
      key("kubernetes.hpa_cpu_percent", ValueType.integer(1, 1000), 80, "average CPU use the autoscaler aims for"),
      key("kubernetes.ingress_host", ValueType.STRING, "", "host name of an ingress-nginx Ingress; empty = no Ingress"),
      key("kubernetes.ingress_class", ValueType.STRING, "nginx", "ingressClassName of the Ingress"));

  /** The free-form table of settings for the app itself; its secret-looking keys are masked like any other. */
  public static final String APP_SETTINGS = "app_settings";

  private static final Map<String, Key> BY_PATH = new LinkedHashMap<>();
  private static final Set<String> SECTIONS = new LinkedHashSet<>();

  static {
    for (Key k : KEYS) {
      BY_PATH.put(k.path(), k);
      String s = k.section();
      while (!s.isEmpty()) {
        SECTIONS.add(s);
        int dot = s.lastIndexOf('.');
        s = dot < 0 ? "" : s.substring(0, dot);
      }
    }
  }

  private Schema() {
  }

  private static Key key(String path, ValueType type, Object def, String doc) {
    return new Key(path, type, def, doc);
  }

  public static List<Key> keys() {
    return KEYS;
  }

  /** The key at a path; any leaf under the free-form {@code app_settings} table is a key of type ANY. */
  public static Optional<Key> key(String path) {
    if (path.startsWith(APP_SETTINGS + ".")) {
      return Optional.of(new Key(path, ValueType.ANY, null, ""));
    }
    return Optional.ofNullable(BY_PATH.get(path));
  }

  /** True for {@code app_settings} and any table inside it: their keys are the app's, not checked here. */
  public static boolean isFree(String section) {
    return section.equals(APP_SETTINGS) || section.startsWith(APP_SETTINGS + ".");
  }

  public static boolean isSection(String path) {
    return path.isEmpty() || SECTIONS.contains(path) || isFree(path);
  }

  /** The sections in schema order, the top level ("") first. */
  public static List<String> sections() {
    List<String> out = new ArrayList<>();
    out.add("");
    out.addAll(SECTIONS);
    return out;
  }

  /** Names allowed directly inside a section: its keys and its sub-sections. */
  public static List<String> namesIn(String section) {
    Set<String> names = new LinkedHashSet<>();
    for (Key k : KEYS) {
      if (k.section().equals(section)) {
        names.add(k.name());
      }
    }
    if (section.isEmpty()) {
      names.add(APP_SETTINGS);
    }
    for (String s : SECTIONS) {
      int dot = s.lastIndexOf('.');
      String parent = dot < 0 ? "" : s.substring(0, dot);
      if (parent.equals(section)) {
        names.add(s.substring(dot + 1));
      }
    }
    return List.copyOf(names);
  }
}
