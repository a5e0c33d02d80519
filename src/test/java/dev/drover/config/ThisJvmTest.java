package dev.drover.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ThisJvmTest {

  @Test
  void everyClasspathEntryIsAbsoluteSoChildrenFindItFromTheProject() {
    String saved = System.getProperty("java.class.path");
    try {
      System.setProperty("java.class.path", "target/drover.jar" + File.pathSeparator + "/opt/x.jar");
      assertThat(ThisJvm.classpath().split(File.pathSeparator))
          .containsExactly(Path.of("target/drover.jar").toAbsolutePath().toString(), "/opt/x.jar");
    } finally {
      System.setProperty("java.class.path", saved);
    }
  }

  @Test
  void javaBinaryExists() {
    assertThat(Path.of(ThisJvm.javaBinary())).isExecutable();
  }
}
