package dev.drover.runtime;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A dynamic class-data-sharing archive for one kind of JVM (workers, supervisor): the classes a started JVM
 * had loaded, already parsed and verified, mapped by the next JVMs instead of read from the jar. It makes a
 * JVM start with about a third less CPU, and the mapped pages are shared between processes, which lowers
 * each worker's proportional memory.
 *
 * <p>The archive's name carries a key over the java binary, the classpath entries (path, size, mtime) and
 * the JVM options, so a new jar or JDK gets a new archive and an old one is never mapped against the wrong
 * classes. While none exists, one JVM at a time is started with {@code -XX:ArchiveClassesAtExit} to a
 * temporary file, which it writes when it exits. A temporary file becomes the archive only after a JVM run
 * with {@code -Xshare:on} has mapped it: a truncated archive crashes the JVM that maps it, while a refused
 * one is merely ignored. Anything that goes wrong leaves the JVMs to start without an archive.
 */
public final class CdsArchive {
  private static final String SUFFIX = ".jsa";
  private static final String TEMP = ".tmp";

  /**
   * Maps archives where they were written instead of at a random address. Relocating rewrites pointers
   * in every archived page, making each JVM's copy private; unrelocated pages stay shared between all the
   * workers, which is most of the memory gain. The check before adoption runs with the same options, so
   * a JVM that does not know them never gets the archive.
   */
  static final List<String> AT_REQUESTED_ADDRESS = List.of("-XX:+UnlockDiagnosticVMOptions",
      "-XX:ArchiveRelocationMode=0");

  private final Path archive;
  private final String javaBinary;
  private final String classpath;
  private final List<String> jvmOptions;
  private final Consumer<String> log;
  private final AtomicBoolean dumping = new AtomicBoolean();
  private final AtomicBoolean gaveUp = new AtomicBoolean();
  private final boolean hasBaseArchive;

  CdsArchive(Path archive, String javaBinary, String classpath, List<String> jvmOptions, Consumer<String> log) {
    this.archive = archive;
    this.javaBinary = javaBinary;
    this.classpath = classpath;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.log = log;
    this.hasBaseArchive = hasBaseArchive(javaBinary);
  }

  /**
   * Whether the Java of that binary has its default archive, which a dynamic one extends: without it (a runtime
   * made by jlink without --generate-cds-archive, some builds) a JVM asked to write one does not even start.
   */
  static boolean hasBaseArchive(String javaBinary) {
    Path home;
    try {
      home = Path.of(javaBinary).toRealPath().getParent().getParent();
    } catch (IOException | RuntimeException e) {
      return false;
    }
    for (String vm : List.of("server", "client")) {
      try (var files = Files.list(home.resolve("lib").resolve(vm))) {
        if (files.anyMatch(f -> f.getFileName().toString().matches("classes.*\\.jsa"))) {
          return true;
        }
      } catch (IOException e) {
        // no such VM in this Java
      }
    }
    return false;
  }

  /**
   * The archive in {@code dir} for JVMs of the given kind started with this java binary, classpath and
   * options. Nothing is read or written until {@link #launch()}.
   */
  public static CdsArchive in(Path dir, String kind, String javaBinary, String classpath, List<String> jvmOptions,
      Consumer<String> log) {
    return new CdsArchive(dir.resolve(kind + "-" + key(javaBinary, classpath, jvmOptions) + SUFFIX), javaBinary,
        classpath, jvmOptions, log);
  }

  /** Whether the options leave class data sharing to us: a user's own archive or -Xshare:off wins. */
  static boolean applies(List<String> jvmOptions) {
    return jvmOptions.stream().noneMatch(o -> o.startsWith("-Xshare:off") || o.contains("SharedArchiveFile")
        || o.contains("ArchiveClassesAtExit") || o.contains("SharedClassListFile") || o.contains("DumpLoadedClassList"));
  }

  Path path() {
    return archive;
  }

  /**
   * The options for the next JVM to start, and what to do when it exits: map the archive when there is
   * one; else let this one JVM write it (unless another is writing it already).
   */
  public Launch launch() {
    if (!applies(jvmOptions) || gaveUp.get() || !hasBaseArchive) {
      return Launch.NONE;
    }
    if (Files.isRegularFile(archive)) {
      List<String> options = new ArrayList<>(AT_REQUESTED_ADDRESS);
      options.add("-XX:SharedArchiveFile=" + archive);
      return new Launch(options, code -> { });
    }
    if (!dumping.compareAndSet(false, true)) {
      return Launch.NONE;
    }
    try {
      Files.createDirectories(archive.getParent());
      Path temp = Files.createTempFile(archive.getParent(), archive.getFileName().toString(), TEMP);
      // The JVM writes the archive itself; an empty file in its place would be mapped and refused.
      Files.delete(temp);
      // Without -Xlog:cds=off the writing JVM lists every class it cannot archive in its log at exit.
      return new Launch(List.of("-XX:ArchiveClassesAtExit=" + temp, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"), code -> {
        try {
          if (code == 0) {
            adopt(temp);
          }
        } finally {
          deleteQuietly(temp);
          dumping.set(false);
        }
      });
    } catch (IOException e) {
      dumping.set(false);
      giveUp("cannot write " + archive.getParent() + ": " + e.getMessage());
      return Launch.NONE;
    }
  }

  /**
   * Adopts archives left by JVMs that are gone (a supervisor writes its own when it exits, with nobody
   * waiting for it). A supervisor lets go of the project before its JVM exits and writes, so a leftover whose
   * writer is still alive (its command line names the file) stays for a later call; any other is finished.
   */
  public void adoptLeftovers() {
    Path dir = archive.getParent();
    if (!Files.isDirectory(dir)) {
      return;
    }
    String mine = archive.getFileName().toString();
    // Leftovers of this kind for any jar, JDK or options: an older jar's are only deleted, never adopted.
    String kind = mine.substring(0, mine.lastIndexOf('-') + 1);
    List<Path> temps = new ArrayList<>();
    try (var files = Files.list(dir)) {
      files.filter(f -> f.getFileName().toString().startsWith(kind) && f.getFileName().toString().endsWith(TEMP))
          .forEach(temps::add);
    } catch (IOException e) {
      return;
    }
    if (temps.isEmpty()) {
      return;
    }
    Set<String> writing = archivesBeingWritten();
    for (Path temp : temps) {
      if (writing.contains(temp.toString())) {
        continue;
      }
      if (temp.getFileName().toString().startsWith(mine) && !Files.isRegularFile(archive)) {
        adopt(temp);
      }
      deleteQuietly(temp);
    }
  }

  /** The files live processes were started to write an archive to (each writes its own as it exits). */
  static Set<String> archivesBeingWritten() {
    String option = "-XX:ArchiveClassesAtExit=";
    Set<String> files = new java.util.HashSet<>();
    ProcessHandle.allProcesses().forEach(p -> p.info().arguments().ifPresent(arguments -> {
      for (String a : arguments) {
        if (a.startsWith(option)) {
          files.add(a.substring(option.length()));
        }
      }
    }));
    return files;
  }

  /** Moves a written archive into place once a JVM has mapped it with -Xshare:on and exited cleanly. */
  private void adopt(Path temp) {
    if (!Files.isRegularFile(temp)) {
      return;
    }
    List<String> command = new ArrayList<>();
    command.add(javaBinary);
    command.addAll(jvmOptions);
    command.addAll(AT_REQUESTED_ADDRESS);
    command.addAll(List.of("-Xshare:on", "-XX:SharedArchiveFile=" + temp, "-XX:-CreateCoredumpOnCrash",
        "-XX:ErrorFile=" + new File(System.getProperty("java.io.tmpdir"), "drover-cds-check-%p.log"),
        "-cp", classpath, "-version"));
    try {
      Process check = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!check.waitFor(30, TimeUnit.SECONDS)) {
        check.destroyForcibly();
        giveUp("checking the archive took too long");
        return;
      }
      if (check.exitValue() != 0) {
        giveUp("the JVM refuses the archive it wrote (exit " + check.exitValue() + ")");
        return;
      }
      Files.move(temp, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      log.accept("class data sharing archive ready: " + archive.getFileName());
      deleteOlderArchives();
    } catch (IOException e) {
      giveUp(e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Archives of the same kind for an older jar, JDK or options; JVMs still mapping one keep their copy. */
  private void deleteOlderArchives() {
    String name = archive.getFileName().toString();
    String kind = name.substring(0, name.lastIndexOf('-') + 1);
    try (var files = Files.list(archive.getParent())) {
      files.filter(f -> f.getFileName().toString().startsWith(kind) && f.getFileName().toString().endsWith(SUFFIX)
              && !f.equals(archive))
          .forEach(CdsArchive::deleteQuietly);
    } catch (IOException e) {
      // kept until the next adoption
    }
  }

  private void giveUp(String why) {
    if (gaveUp.compareAndSet(false, true)) {
      log.accept("no class data sharing archive (" + why + "); JVMs start without one");
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a leftover is retried or ignored later
    }
  }

  /** A short hex key: same binary, same jar bytes (by size and mtime) and same options give the same key. */
  static String key(String javaBinary, String classpath, List<String> jvmOptions) {
    StringBuilder identity = new StringBuilder(javaBinary).append('\n')
        .append(System.getProperty("java.vm.version")).append('\n');
    for (String entry : classpath.split(File.pathSeparator)) {
      Path p = Path.of(entry);
      identity.append(entry).append('|');
      try {
        identity.append(Files.size(p)).append('|').append(Files.getLastModifiedTime(p).toMillis());
      } catch (IOException e) {
        identity.append("missing");
      }
      identity.append('\n');
    }
    jvmOptions.forEach(o -> identity.append(o).append('\n'));
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(identity.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** The options for one JVM and what to do with its exit code. */
  public record Launch(List<String> options, Consumer<Integer> onExit) {
    static final Launch NONE = new Launch(List.of(), code -> { });

    public Launch {
      options = List.copyOf(options);
    }
  }
}
