package dev.drover.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;

/**
 * Loads a project's settings the dynaconf way. Precedence, lowest first: built-in defaults,
 * settings.toml {@code [default]}, settings.toml {@code [<env>]}, .secrets.toml {@code [default]} and
 * {@code [<env>]}, then environment variables {@code DROVER_SECTION__KEY}. Every environment table of
 * both files is checked, so a typo in {@code [production]} is caught on a developer's machine.
 */
public final class SettingsLoader {
  public static final String SETTINGS_FILE = "settings.toml";
  public static final String SECRETS_FILE = ".secrets.toml";
  /** Where Docker and Kubernetes mount secrets into a container. */
  static final Path MOUNTED_SECRETS = Path.of("/run/secrets");
  public static final String DEFAULT_ENV = "development";
  public static final String ENV_VARIABLE = "DROVER_ENV";
  private static final String PREFIX = "DROVER_";
  /** Variables of the drover command itself, not settings: the environment's name and the launcher's. */
  private static final java.util.Set<String> NOT_SETTINGS = java.util.Set.of(ENV_VARIABLE, "DROVER_JAVA",
      "DROVER_CLI_CACHE");
  private static final String PRODUCTION = "production";

  private final Path projectDir;
  private final Map<String, String> environment;

  public SettingsLoader(Path projectDir, Map<String, String> environment) {
    this.projectDir = projectDir;
    this.environment = Map.copyOf(environment);
  }

  /** The active environment: the option if given, else DROVER_ENV, else development. */
  public static String activeEnv(String option, Map<String, String> environment) {
    if (option != null && !option.isBlank()) {
      return option;
    }
    String fromEnv = environment.get(ENV_VARIABLE);
    return fromEnv == null || fromEnv.isBlank() ? DEFAULT_ENV : fromEnv;
  }

  public Path projectDir() {
    return projectDir;
  }

  /**
   * Loads one environment, or throws a {@link ConfigException} listing every problem found. Checks types and
   * ranges only: the settings may be meant for another machine (a front generated for a server).
   */
  public Config load(String env) {
    return load(env, false);
  }

  /**
   * Loads one environment to run it here: {@link #load(String)} plus what only this machine can tell (files
   * exist, hosts resolve, the app's class is on its classpath, worker ports fit). What {@code start},
   * {@code reload} and {@code config check} use, so the check owns every check a start makes.
   */
  public Config loadToRun(String env) {
    return load(env, true);
  }

  private Config load(String env, boolean onThisMachine) {
    Path settingsPath = projectDir.resolve(SETTINGS_FILE);
    if (!Files.isRegularFile(settingsPath)) {
      throw new ConfigException(SETTINGS_FILE + " not found in " + projectDir.toAbsolutePath().normalize()
          + " (make a project with 'drover init DIR', or point at one with -C DIR)");
    }
    Problems problems = new Problems();
    List<String> warnings = new ArrayList<>();
    Map<String, Map<String, Entry>> settings = readFile(settingsPath, SETTINGS_FILE, false, problems);
    Path secretsPath = projectDir.resolve(SECRETS_FILE);
    Map<String, Map<String, Entry>> secrets = Map.of();
    if (Files.isRegularFile(secretsPath)) {
      checkPermissions(secretsPath, env, problems, warnings);
      secrets = readFile(secretsPath, SECRETS_FILE, true, problems);
    }
    if (!env.equals(DEFAULT_ENV) && !settings.containsKey(env) && !secrets.containsKey(env)) {
      Set<String> known = new LinkedHashSet<>(settings.keySet());
      known.remove("default");
      problems.add("environment '" + env + "' has no [" + env + "] table in " + SETTINGS_FILE
          + (known.isEmpty() ? "" : " (environments: " + String.join(", ", known) + ")")
          + Suggest.hint(env, known));
    }
    Map<String, Entry> entries = defaults();
    for (Map<String, Map<String, Entry>> file : List.of(settings, secrets)) {
      entries.putAll(file.getOrDefault("default", Map.of()));
      entries.putAll(file.getOrDefault(env, Map.of()));
    }
    applyEnvironment(entries, problems);
    problems.throwIfAny();
    if (onThisMachine) {
      Checks.run(entries, projectDir, Runtime.getRuntime().availableProcessors(), problems);
      problems.throwIfAny();
    }
    return new Config(env, entries, SettingsBuilder.build(env, projectDir, entries), List.copyOf(warnings));
  }

  /** The environment tables settings.toml defines, without {@code default}. */
  public List<String> environments() {
    Problems ignored = new Problems();
    Set<String> names = new LinkedHashSet<>(
        readFile(projectDir.resolve(SETTINGS_FILE), SETTINGS_FILE, false, ignored).keySet());
    names.remove("default");
    return List.copyOf(names);
  }

  private static Map<String, Entry> defaults() {
    Map<String, Entry> out = new LinkedHashMap<>();
    for (Key k : Schema.keys()) {
      out.put(k.path(), new Entry(k, k.defaultValue(), Origin.DEFAULT, SecretNames.looksSecret(k.path())));
    }
    return out;
  }

  private static Map<String, Map<String, Entry>> readFile(Path path, String name, boolean secretFile, Problems problems) {
    TomlParseResult toml;
    try {
      toml = org.tomlj.Toml.parse(path);
    } catch (IOException e) {
      problems.add(name + ": cannot be read: " + e.getMessage());
      return Map.of();
    }
    if (toml.hasErrors()) {
      for (TomlParseError err : toml.errors()) {
        problems.at(name, err.position().line(), err.position().column(), "syntax error: " + err.getMessage());
      }
      return Map.of();
    }
    return SettingsLayers.read(toml, name, secretFile, problems);
  }

  private void applyEnvironment(Map<String, Entry> entries, Problems problems) {
    Map<String, String> sorted = new TreeMap<>(environment);
    for (var variable : sorted.entrySet()) {
      String name = variable.getKey();
      if (!name.startsWith(PREFIX) || NOT_SETTINGS.contains(name)) {
        continue;
      }
      String path = name.substring(PREFIX.length()).toLowerCase(Locale.ROOT).replace("__", ".");
      var key = Schema.key(path);
      if (key.isEmpty()) {
        List<String> known = Schema.keys().stream().map(k -> variableFor(k.path())).toList();
        problems.add("environment variable " + name + " matches no setting"
            + Suggest.closest(name, known).map(s -> " (did you mean " + s + "?)").orElse(""));
        continue;
      }
      boolean secret = SecretNames.looksSecret(path);
      try {
        Object value = key.get().type().fromText(variable.getValue());
        entries.put(path, new Entry(key.get(), value, Origin.env(name), secret));
      } catch (IllegalArgumentException e) {
        String got = secret ? Secret.MASK : Toml.quote(variable.getValue());
        problems.add("environment variable " + name + ": " + path + " must be " + e.getMessage() + ", got " + got);
      }
    }
  }

  /** The environment variable that overrides a setting: {@code balancer.listen} → {@code DROVER_BALANCER__LISTEN}. */
  public static String variableFor(String path) {
    return PREFIX + path.toUpperCase(Locale.ROOT).replace(".", "__");
  }

  /**
   * A secret Kubernetes mounts for a non-root pod is group-readable by design (its group is the pod's fsGroup,
   * which only the pod's own processes hold), so under {@code /run/secrets/} only others may not read it.
   */
  private static boolean mountedSecret(Path secrets) {
    try {
      return secrets.toRealPath().startsWith(MOUNTED_SECRETS);
    } catch (IOException e) {
      return false;
    }
  }

  private static void checkPermissions(Path secrets, String env, Problems problems, List<String> warnings) {
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(secrets);
    } catch (UnsupportedOperationException | IOException e) {
      return;
    }
    Set<PosixFilePermission> open = mountedSecret(secrets)
        ? Set.of(PosixFilePermission.OTHERS_READ)
        : Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
    if (perms.stream().noneMatch(open::contains)) {
      return;
    }
    String mode = java.nio.file.attribute.PosixFilePermissions.toString(perms);
    String text = SECRETS_FILE + " is readable by group or others (" + mode + "); run: chmod 600 " + SECRETS_FILE;
    if (env.equals(PRODUCTION)) {
      problems.add(text + " (refused in production)");
    } else {
      warnings.add("warning: " + text);
    }
  }
}
