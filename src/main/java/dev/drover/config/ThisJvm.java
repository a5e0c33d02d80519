package dev.drover.config;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/** How to start another JVM like this one: its java binary and its classpath. */
public final class ThisJvm {
  private ThisJvm() {
  }

  public static String javaBinary() {
    return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /**
   * This JVM's classpath with every entry made absolute: children run in the project directory, where a
   * relative {@code target/drover.jar} would name nothing.
   */
  public static String classpath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !entry.isEmpty())
        .map(entry -> Path.of(entry).toAbsolutePath().normalize().toString())
        .collect(Collectors.joining(File.pathSeparator));
  }
}
