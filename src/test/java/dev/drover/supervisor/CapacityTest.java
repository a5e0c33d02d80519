package dev.drover.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.drover.config.DroverException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker-count sanity limit on machines the test describes. */
class CapacityTest {
  private static final long GB = 1L << 30;

  @Test
  void gunicornsRuleAndSomeHeadroomPassOnASmallMachine() {
    Capacity twoCores = new Capacity(2, 8 * GB);
    assertThatCode(() -> twoCores.check(5, List.of(), false)).doesNotThrowAnyException();
    assertThatCode(() -> twoCores.check(16, List.of(), false)).doesNotThrowAnyException();
  }

  @Test
  void farMoreWorkersThanCoresAreRefusedUnlessForced() {
    Capacity twoCores = new Capacity(2, 1024 * GB);
    assertThatThrownBy(() -> twoCores.check(10_000, List.of(), false))
        .isInstanceOf(DroverException.class)
        .hasMessage("10000 workers on 2 cores is far more than the machine can run (the limit without --force is 16;"
            + " gunicorn's rule is cores*2+1 = 5); pass --force to run them anyway");
    assertThatCode(() -> twoCores.check(10_000, List.of(), true)).doesNotThrowAnyException();
    assertThat(new Capacity(32, GB).maxForCores()).isEqualTo(256);
  }

  @Test
  void workersWhoseHeapsPassTheAvailableMemoryAreRefused() {
    Capacity machine = new Capacity(64, 2 * GB);
    // the default options bound the heap at 128 MB: 176 MB a worker
    assertThatCode(() -> machine.check(11, List.of(), false)).doesNotThrowAnyException();
    assertThatThrownBy(() -> machine.check(12, List.of(), false))
        .hasMessage("12 workers need about 2112 MB (176 MB each) but 2048 MB is available; lower cluster.workers"
            + " or pass --force");
    assertThatThrownBy(() -> machine.check(2, List.of("-Xmx1g"), false)).hasMessageContaining("(1072 MB each)");
  }

  @Test
  void unknownMemorySkipsTheMemoryCheckOnly() {
    Capacity unknown = new Capacity(4, -1);
    assertThatCode(() -> unknown.check(32, List.of("-Xmx8g"), false)).doesNotThrowAnyException();
    assertThatThrownBy(() -> unknown.check(33, List.of(), false)).hasMessageContaining("far more");
  }

  @Test
  void jvmSizesAndMeminfoAreRead(@TempDir Path dir) throws Exception {
    assertThat(Capacity.parseJvmSize("512m")).isEqualTo(512L << 20);
    assertThat(Capacity.parseJvmSize("2G")).isEqualTo(2 * GB);
    assertThat(Capacity.parseJvmSize("1048576")).isEqualTo(1 << 20);
    assertThat(Capacity.parseJvmSize("lots")).isEqualTo(-1);
    Path meminfo = Files.writeString(dir.resolve("meminfo"), "MemTotal: 100 kB\nMemAvailable:   2048 kB\n");
    assertThat(Capacity.memAvailable(meminfo)).isEqualTo(2048 * 1024);
    assertThat(Capacity.memAvailable(dir.resolve("none"))).isEqualTo(-1);
  }
}
