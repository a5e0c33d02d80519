package dev.drover.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SupervisorEnvironmentTest {
  @Test
  void theSupervisorGetsTwoMallocArenasAndKnowsDroverChoseThem() {
    Map<String, String> env = new HashMap<>(Map.of("PATH", "/usr/bin"));

    Detacher.supervisorEnvironment(env);

    assertThat(env).containsOnly(Map.entry("PATH", "/usr/bin"), Map.entry("MALLOC_ARENA_MAX", "2"),
        Map.entry("MALLOC_ARENA_MAX_SET_BY_DROVER", "2"));
  }

  @Test
  void aUsersOwnArenaCapIsKept() {
    Map<String, String> env = new HashMap<>(Map.of("MALLOC_ARENA_MAX", "8"));

    Detacher.supervisorEnvironment(env);

    assertThat(env).containsOnly(Map.entry("MALLOC_ARENA_MAX", "8"));
  }
}
