package dev.drover.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** A project folder on disk for a test: settings.toml and, if given, a 0600 .secrets.toml. */
public final class TestProject {
  private final Path dir;

  private TestProject(Path dir) {
    this.dir = dir;
  }

  public static TestProject in(Path dir) {
    return new TestProject(dir);
  }

  public Path dir() {
    return dir;
  }

  public TestProject settings(String toml) {
    return write("settings.toml", toml, "rw-r--r--");
  }

  public TestProject secrets(String toml) {
    return write(".secrets.toml", toml, "rw-------");
  }

  public TestProject write(String name, String text, String mode) {
    try {
      Path file = dir.resolve(name);
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
