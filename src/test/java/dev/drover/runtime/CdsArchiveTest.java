package dev.drover.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CdsArchiveTest {
  @TempDir
  Path dir;

  @Test
  void aJavaWithoutItsDefaultArchiveGetsNoDynamicOneToWriteOrMap() throws Exception {
    Path java = javaHome("bare", false);
    List<String> said = new ArrayList<>();
    CdsArchive archive = CdsArchive.in(dir.resolve("cds"), "worker", java.toString(), jar().toString(), List.of(),
        said::add);

    assertThat(CdsArchive.hasBaseArchive(java.toString())).isFalse();
    assertThat(archive.launch().options()).as("such a JVM would not start with -XX:ArchiveClassesAtExit").isEmpty();
  }

  @Test
  void aJavaWithItsDefaultArchiveWritesOneThroughALink() throws Exception {
    Path java = javaHome("full", true);
    Path link = Files.createSymbolicLink(dir.resolve("java"), java);
    CdsArchive archive = CdsArchive.in(dir.resolve("cds"), "worker", link.toString(), jar().toString(), List.of(),
        line -> { });

    assertThat(CdsArchive.hasBaseArchive(link.toString())).isTrue();
    assertThat(archive.launch().options()).anyMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit="));
  }

  @Test
  void theJavaRunningTheTestsHasOne() {
    // Debian's and most builds' JDK 17 ship lib/server/classes.jsa; if this fails, workers start unshared
    assertThat(CdsArchive.hasBaseArchive(Path.of(System.getProperty("java.home"), "bin", "java").toString())).isTrue();
  }

  @Test
  void aLeftoverIsTakenOnlyOnceTheJvmWritingItIsGone() throws Exception {
    Path java = javaHome("full", true);
    CdsArchive archive = CdsArchive.in(dir.resolve("cds"), "supervisor", java.toString(), jar().toString(), List.of(),
        line -> { });
    Files.createDirectories(archive.path().getParent());
    Path temp = Files.writeString(archive.path().resolveSibling(archive.path().getFileName() + "123.tmp"), "half");
    // a stand-in for the exiting supervisor: a live process whose command line names the file
    Process writer = new ProcessBuilder("/bin/sh", "-c", "sleep 30; true", "writer", "-XX:ArchiveClassesAtExit=" + temp)
        .start();
    try {
      assertThat(CdsArchive.archivesBeingWritten()).contains(temp.toString());
      archive.adoptLeftovers();
      assertThat(temp).as("left alone while its writer lives").exists();
    } finally {
      writer.destroyForcibly().waitFor();
    }
    assertThat(CdsArchive.archivesBeingWritten()).doesNotContain(temp.toString());
    archive.adoptLeftovers();
    // not a real archive: the check JVM (a fake java here) refuses it, so it is deleted rather than adopted
    assertThat(temp).doesNotExist();
    assertThat(archive.path()).doesNotExist();
  }

  private Path javaHome(String name, boolean withArchive) throws Exception {
    Path home = dir.resolve(name);
    Files.createDirectories(home.resolve("bin"));
    Files.createDirectories(home.resolve("lib/server"));
    Files.writeString(home.resolve("lib/server/libjvm.so"), "");
    if (withArchive) {
      Files.writeString(home.resolve("lib/server/classes.jsa"), "");
    }
    return Files.writeString(home.resolve("bin/java"), "");
  }

  private Path jar() throws Exception {
    return Files.writeString(dir.resolve("app.jar"), "");
  }
}
