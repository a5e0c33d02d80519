package dev.drover.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JvmOptionsTest {
  @Test
  void fromJava24TheUnsafeWarningIsAllowedQuietly() {
    assertThat(JvmOptions.small(Runtime.Version.parse("17.0.15"))).doesNotContain("--sun-misc-unsafe-memory-access=allow")
        .contains("-XX:+UseSerialGC", "-Xshare:auto").containsAll(JvmOptions.LATE_JIT);
    assertThat(JvmOptions.small(Runtime.Version.parse("21.0.5"))).doesNotContain("--sun-misc-unsafe-memory-access=allow");
    assertThat(JvmOptions.small(Runtime.Version.parse("25.0.3"))).contains("--sun-misc-unsafe-memory-access=allow");
  }
}
