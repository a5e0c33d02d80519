package dev.drover.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerEnvironmentTest {
  @Test
  void theArenaCapDroverSetForTheSupervisorDoesNotReachWorkers() {
    Map<String, String> env = new HashMap<>(Map.of("PATH", "/usr/bin", "MALLOC_ARENA_MAX", "2",
        "MALLOC_ARENA_MAX_SET_BY_DROVER", "2", "DROVER_SECRET_KEY", "s3cret"));

    ProcessLauncher.workerEnvironment(env);

    assertThat(env).containsExactly(Map.entry("PATH", "/usr/bin"));
  }

  @Test
  void anArenaCapTheUserSetReachesWorkers() {
    Map<String, String> env = new HashMap<>(Map.of("PATH", "/usr/bin", "MALLOC_ARENA_MAX", "4"));

    ProcessLauncher.workerEnvironment(env);

    assertThat(env).containsOnly(Map.entry("PATH", "/usr/bin"), Map.entry("MALLOC_ARENA_MAX", "4"));
  }
}
