package dev.drover;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installed command, {@code target/drover}: the launcher script with the jar appended. It picks a Java 17+
 * by reading release files (never by starting one), in the order DROVER_JAVA, JAVA_HOME, the PATH, /usr/lib/jvm,
 * and keeps the command's class archive in the user's cache directory.
 */
class LauncherIT {
  private static final Path LAUNCHER = Path.of("target", "drover").toAbsolutePath();

  @TempDir
  Path dir;

  @Test
  void runsDroverOnAJava17OrNewerAndGrowsItsArchiveInTheCache() throws Exception {
    Path cache = dir.resolve("a cache"); // a path with a space in it: the launcher must never split one
    Result first = launch(Map.of("XDG_CACHE_HOME", cache.toString()), "--version");
    assertThat(first.code).as(first.output).isZero();
    assertThat(first.output).startsWith("drover ").contains("on Java ");

    // the first run lists the classes it loaded; the archive is made from that list in the background
    Path droverCache = cache.resolve("drover");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!hasArchive(droverCache) && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(50); // polling a file another process writes; the deadline bounds it
    }
    assertThat(hasArchive(droverCache)).as("an archive in " + droverCache).isTrue();
    Result second = launch(Map.of("XDG_CACHE_HOME", cache.toString()), "--version");
    assertThat(second.output).isEqualTo(first.output);
  }

  @Test
  void aJavaOlderThan17IsPassedOverForANewerOne() throws Exception {
    Path old = fakeJava("old", "11.0.2");
    Result r = launch(Map.of("DROVER_JAVA", old.toString(), "DROVER_CLI_CACHE", "off"), "--version");
    assertThat(r.output).doesNotContain("fake java").startsWith("drover ");
    assertThat(r.code).isZero();
  }

  @Test
  void droverJavaIsTakenFirstWhenItIs17OrNewer() throws Exception {
    Path newer = fakeJava("newer", "21.0.1");
    Result r = launch(Map.of("DROVER_JAVA", newer.toString(), "DROVER_CLI_CACHE", "off"), "status", "--json");
    assertThat(r.output).startsWith("fake java").contains(" -cp " + LAUNCHER + " dev.drover.cli.Main status --json");
  }

  @Test
  void javaHomeCountsWhenDroverJavaIsNotSet() throws Exception {
    Path newer = fakeJava("home", "17");
    Result r = launch(Map.of("JAVA_HOME", newer.getParent().getParent().toString(), "DROVER_CLI_CACHE", "off"),
        "--version");
    assertThat(r.output).startsWith("fake java");
  }

  /**
   * On the newest Java installed beside the default one (Java 24+ could record an AOT cache, whose JVM prints to
   * the command's standard output), the first and later runs print the command's output and nothing else.
   */
  @Test
  void onANewerJavaTheFirstRunPrintsOnlyTheCommandsOutput() throws Exception {
    Path newest = newestJava();
    org.junit.jupiter.api.Assumptions.assumeTrue(newest != null,
        "SKIPPED: no Java newer than 17 under /usr/lib/jvm to run the launcher on");
    Path cache = dir.resolve("cache-newer");
    Map<String, String> env = Map.of("DROVER_JAVA", newest.toString(), "XDG_CACHE_HOME", cache.toString());
    Result first = launch(env, "--version");
    assertThat(first.output).as("stdout and stderr of the first run").matches("drover \\S+ on Java \\S+");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!hasArchive(cache.resolve("drover")) && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(50); // polling a file another process writes; the deadline bounds it
    }
    assertThat(launch(env, "--version").output).isEqualTo(first.output);
  }

  /** The Java with the highest feature version above 17 under /usr/lib/jvm, or null. */
  private static Path newestJava() throws IOException {
    Path best = null;
    int bestVersion = 17;
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return null;
    }
    try (var homes = Files.list(jvms)) {
      for (Path home : homes.toList()) {
        Path release = home.resolve("release");
        Path binary = home.resolve("bin/java");
        if (!Files.isReadable(release) || !Files.isExecutable(binary)) {
          continue;
        }
        var m = java.util.regex.Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(Files.readString(release));
        if (m.find() && Integer.parseInt(m.group(1)) > bestVersion) {
          bestVersion = Integer.parseInt(m.group(1));
          best = binary;
        }
      }
    }
    return best;
  }

  /** A Java home whose release file says {@code version} and whose bin/java only says it ran. */
  private Path fakeJava(String name, String version) throws IOException {
    Path home = dir.resolve(name);
    Files.createDirectories(home.resolve("bin"));
    Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Nobody\"\nJAVA_VERSION=\"" + version + "\"\n");
    Path java = home.resolve("bin/java");
    Files.writeString(java, "#!/bin/sh\necho \"fake java $*\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    return java;
  }

  private static boolean hasArchive(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (var files = Files.list(dir)) {
      return files.anyMatch(f -> f.getFileName().toString().endsWith(".jsa")
          || f.getFileName().toString().endsWith(".aot"));
    }
  }

  private record Result(int code, String output) {
  }

  private Result launch(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().remove("DROVER_JAVA");
    pb.environment().remove("JAVA_HOME");
    pb.environment().putAll(env);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), output);
  }
}
