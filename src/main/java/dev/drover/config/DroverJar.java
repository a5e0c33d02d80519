package dev.drover.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The jar drover runs from, and the private copies a running cluster uses instead of it, so that replacing
 * the jar under a running cluster (an upgrade, a {@code mvn package}) cannot pull classes out from under the
 * supervisor or its workers. A copy is named by the source's size and modification time: a rebuilt jar gets a
 * new copy, which the next reload hands to new workers.
 */
public final class DroverJar {
  /** Set on a supervisor started from a copy: the jar the copy was made from, for reloads after an upgrade. */
  public static final String SOURCE_PROPERTY = "drover.jar";
  private static final String PREFIX = "drover-";

  private DroverJar() {
  }

  /**
   * The jar this drover came from: the {@value #SOURCE_PROPERTY} property of a supervisor running from a copy,
   * else this JVM's classpath when it is a single file (the jar, or the launcher with the jar appended); empty
   * when running from classes (a build's tests).
   */
  public static Optional<Path> source() {
    String property = System.getProperty(SOURCE_PROPERTY);
    if (property != null && !property.isBlank()) {
      return Optional.of(Path.of(property));
    }
    String cp = ThisJvm.classpath();
    if (!cp.isEmpty() && !cp.contains(java.io.File.pathSeparator) && Files.isRegularFile(Path.of(cp))) {
      return Optional.of(Path.of(cp));
    }
    return Optional.empty();
  }

  /** The classpath for a new supervisor or worker: a private copy of the source jar, else this JVM's own. */
  public static String classpathFor(RunLayout layout) {
    return source().map(jar -> privateCopy(layout.libDir(), jar).toString()).orElse(ThisJvm.classpath());
  }

  /** The copy of {@code jar} in {@code dir}, made (atomically) if absent. */
  public static Path privateCopy(Path dir, Path jar) {
    try {
      Path copy = dir.resolve(PREFIX + key(jar) + ".jar");
      if (!Files.isRegularFile(copy)) {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, PREFIX, ".tmp");
        try {
          Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
          Files.move(tmp, copy, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
      return copy;
    } catch (IOException e) {
      throw new DroverException("cannot copy " + jar + " into " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Deletes the copies in {@code dir} other than {@code keep}; for a start, when no worker of the project runs. */
  public static void deleteCopiesBut(Path dir, String keep) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.toList()) {
        String name = p.getFileName().toString();
        if (name.startsWith(PREFIX) && !p.toString().equals(keep)) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** This drover's release, from the build (e.g. {@code 0.2.0}). */
  public static String release() {
    try (var in = DroverJar.class.getResourceAsStream("/dev/drover/version.properties")) {
      if (in != null) {
        java.util.Properties p = new java.util.Properties();
        p.load(in);
        return p.getProperty("version", "unknown");
      }
    } catch (IOException e) {
      // fall through: unknown
    }
    return "unknown";
  }

  /**
   * The version a jar (or classpath) carries, as status shows it: the release from its manifest and, for a
   * private copy, the build it was made from ({@code 0.2.0+5f3a9c21}).
   */
  public static String version(String classpath) {
    Path jar = Path.of(classpath);
    String release = release();
    if (!classpath.contains(java.io.File.pathSeparator) && classpath.endsWith(".jar") && Files.isRegularFile(jar)) {
      try (JarFile file = new JarFile(jar.toFile())) {
        String v = file.getManifest() == null ? null
            : file.getManifest().getMainAttributes().getValue("Implementation-Version");
        release = v == null ? release : v;
      } catch (IOException e) {
        // an unreadable manifest leaves the version unknown, not the worker
      }
      String name = jar.getFileName().toString();
      if (name.startsWith(PREFIX)) {
        return release + "+" + name.substring(PREFIX.length(), name.length() - ".jar".length());
      }
    }
    return release;
  }

  /** Size, modification time and file identity: changes whenever the jar is rebuilt or replaced. */
  static String key(Path jar) throws IOException {
    BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
    long h = 1125899906842597L;
    for (Object part : new Object[] {a.size(), a.lastModifiedTime().toMillis(), String.valueOf(a.fileKey())}) {
      h = 31 * h + part.hashCode();
    }
    return String.format("%08x", (int) (h ^ (h >>> 32)));
  }
}
