package dev.drover.render;

import dev.drover.config.Settings;
import dev.drover.config.SettingsLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/** A real project folder for a test: settings written as TOML and loaded the way drover loads them. */
final class TestProject {
  static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
  static final Path JAR = Path.of("/opt/drover/drover.jar");

  private final Path dir;

  private TestProject(Path dir) {
    this.dir = dir;
  }

  static TestProject at(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new TestProject(dir);
  }

  Path dir() {
    return dir;
  }

  TestProject settings(String toml) {
    return file(SettingsLoader.SETTINGS_FILE, toml);
  }

  TestProject secrets(String toml) {
    file(SettingsLoader.SECRETS_FILE, toml);
    try {
      Files.setPosixFilePermissions(dir.resolve(SettingsLoader.SECRETS_FILE), PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  TestProject file(String relative, String text) {
    try {
      Path p = dir.resolve(relative);
      Files.createDirectories(p.getParent());
      Files.writeString(p, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** The settings of one environment, with no DROVER_ variables of the machine running the test. */
  Settings load(String env) {
    return new SettingsLoader(dir, Map.of()).load(env).settings();
  }

  Settings load() {
    return load(SettingsLoader.DEFAULT_ENV);
  }

  /** A generator for a 2-core machine: workers = "auto" then means 5. */
  FrontGenerator generator() {
    return generator(2);
  }

  FrontGenerator generator(int cores) {
    return new FrontGenerator(dir, cores, JAVA, JAR);
  }

  String render(Front front) {
    return generator().render(front, load());
  }
}
