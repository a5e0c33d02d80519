package dev.drover.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;

/**
 * Checks that span keys or look at the machine, run on the active environment's merged settings after every
 * value has its type: what {@code start} would otherwise only find out while starting. Each problem names the
 * key and where its value came from.
 */
final class Checks {
  private static final List<String> BUILT_IN_APPS = List.of("demo", "static");

  private final Map<String, Entry> entries;
  private final Path projectDir;
  private final int cores;
  private final Problems problems;

  private Checks(Map<String, Entry> entries, Path projectDir, int cores, Problems problems) {
    this.entries = entries;
    this.projectDir = projectDir;
    this.cores = cores;
    this.problems = problems;
  }

  static void run(Map<String, Entry> entries, Path projectDir, int cores, Problems problems) {
    Checks c = new Checks(entries, projectDir, cores, problems);
    c.workerPorts();
    c.resolvable("balancer.listen", (HostPort) value("balancer.listen", entries));
    c.resolvable("balancer.admin_listen", HostPort.parseOptional((String) value("balancer.admin_listen", entries)));
    c.appClass();
    c.signingKeys();
    c.existingFile("balancer.tls.cert");
    c.existingFile("balancer.tls.key");
  }

  private static Object value(String path, Map<String, Entry> entries) {
    return entries.get(path).value();
  }

  private void problem(String path, String text) {
    Origin origin = entries.get(path).origin();
    String where = origin.isFile() ? "" : "(" + origin + ") ";
    if (origin.isFile()) {
      problems.at(origin.source(), origin.line(), 0, path + " " + text);
    } else {
      problems.add(where + path + " " + text);
    }
  }

  private void workerPorts() {
    int base = (Integer) value("cluster.base_port", entries);
    int workers = ((Workers) value("cluster.workers", entries)).count(cores);
    if (base > 0 && base + workers - 1 > 65535) {
      problem("cluster.base_port", "= " + base + " with " + workers + " workers needs ports up to "
          + (base + workers - 1) + ", past 65535; lower it to at most " + (65536 - workers));
    }
  }

  /** A name that does not resolve fails at start as a bind error; say so now, naming the key. */
  private void resolvable(String path, HostPort at) {
    if (at == null) {
      return;
    }
    try {
      InetAddress.getByName(at.host());
    } catch (UnknownHostException e) {
      problem(path, "= \"" + at + "\": host '" + at.host() + "' cannot be resolved");
    }
  }

  /** Every app_classpath entry must exist, and a custom app's class must be on it (or on drover's own). */
  private void appClass() {
    String app = (String) value("app", entries);
    @SuppressWarnings("unchecked")
    List<String> classpath = (List<String>) value("app_classpath", entries);
    String resource = app.replace('.', '/') + ".class";
    boolean found = Checks.class.getClassLoader().getResource(resource) != null;
    for (String entry : classpath) {
      Path p = projectDir.resolve(entry).normalize();
      if (!Files.exists(p)) {
        problem("app_classpath", "entry \"" + entry + "\" does not exist (" + p + ")"
            + (entry.startsWith("target") ? "; build the app first, e.g. mvn package" : ""));
        continue;
      }
      found = found || contains(p, resource);
    }
    if (!app.isBlank() && !BUILT_IN_APPS.contains(app) && !found) {
      problem("app", "= \"" + app + "\": class not found on app_classpath " + classpath
          + (classpath.isEmpty() ? " (set app_classpath to the app's jars or classes directory)" : ""));
    }
  }

  private static boolean contains(Path entry, String resource) {
    if (Files.isDirectory(entry)) {
      return Files.isRegularFile(entry.resolve(resource));
    }
    try (ZipFile jar = new ZipFile(entry.toFile())) {
      return jar.getEntry(resource) != null;
    } catch (IOException e) {
      return false;
    }
  }

  /** A secret_key set but too short would stop every worker that signs sessions; fallbacks likewise. */
  private void signingKeys() {
    String key = secretText("secret_key");
    if (!key.isEmpty() && bytes(key) < Secret.MIN_SIGNING_KEY_BYTES) {
      problem("secret_key", "is " + bytes(key) + " bytes: signed sessions need at least " + Secret.MIN_SIGNING_KEY_BYTES
          + " (make one with: drover secret)");
    }
    Entry fallbacks = entries.get("secret_key_fallbacks");
    if (fallbacks != null && fallbacks.value() instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        String old = list.get(i) instanceof Secret s ? s.reveal() : String.valueOf(list.get(i));
        if (bytes(old) < Secret.MIN_SIGNING_KEY_BYTES) {
          problem("secret_key_fallbacks", "entry " + (i + 1) + " is " + bytes(old) + " bytes: signed sessions need at least "
              + Secret.MIN_SIGNING_KEY_BYTES);
        }
      }
    }
  }

  private String secretText(String path) {
    Object value = value(path, entries);
    return value instanceof Secret s ? s.reveal() : String.valueOf(value);
  }

  private static int bytes(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }

  private void existingFile(String path) {
    String file = (String) value(path, entries);
    if (file.isBlank()) {
      return;
    }
    Path p = projectDir.resolve(file).normalize();
    // a path kept in .secrets.toml is not shown either
    String shown = entries.get(path).secret() ? Toml.quote(Secret.MASK) : "\"" + file + "\" (" + p + ")";
    if (!Files.isRegularFile(p)) {
      problem(path, "= " + shown + ": no such file");
    } else if (!Files.isReadable(p)) {
      problem(path, "= " + shown + ": cannot be read (permission denied)");
    }
  }
}
