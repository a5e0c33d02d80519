package dev.drover.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Backoff and the crash-loop guard on a clock the test moves. */
class RestartPolicyTest {
  private final Slot slot = new Slot(1);
  private long now = 1_000_000;

  private boolean exitAfter(long livedMillis, boolean bootError) {
    boolean failed = RestartPolicy.afterExit(slot, now - livedMillis, bootError, now);
    now += 1;
    return failed;
  }

  @Test
  void aWorkerThatLivedLongRestartsAtOnce() {
    assertThat(exitAfter(60_000, false)).isFalse();
    assertThat(slot.restartAtMillis).isEqualTo(now - 1);
  }

  @Test
  void youngDeathsBackOffExponentiallyUpToTenSeconds() {
    assertThat(RestartPolicy.backoffMillis(0)).isZero();
    assertThat(RestartPolicy.backoffMillis(1)).isEqualTo(100);
    assertThat(RestartPolicy.backoffMillis(2)).isEqualTo(200);
    assertThat(RestartPolicy.backoffMillis(4)).isEqualTo(800);
    assertThat(RestartPolicy.backoffMillis(8)).isEqualTo(10_000);
    assertThat(RestartPolicy.backoffMillis(30)).isEqualTo(10_000);
    exitAfter(500, false);
    assertThat(slot.restartAtMillis - (now - 1)).isEqualTo(100);
    exitAfter(500, false);
    assertThat(slot.restartAtMillis - (now - 1)).isEqualTo(200);
  }

  @Test
  void fiveExitsWithinAMinuteFailTheSlotForAMinute() {
    for (int i = 0; i < 4; i++) {
      assertThat(exitAfter(20_000, false)).isFalse();
      now += 10_000;
    }
    assertThat(exitAfter(20_000, false)).isTrue();
    assertThat(slot.failed).isTrue();
    assertThat(slot.restartAtMillis - (now - 1)).isEqualTo(60_000);
    assertThat(RestartPolicy.failure(slot)).isEqualTo("5 exits within 60s");
  }

  @Test
  void exitsOlderThanTheWindowAreForgotten() {
    for (int i = 0; i < 20; i++) {
      assertThat(exitAfter(20_000, false)).isFalse();
      now += 20_000;
    }
    assertThat(slot.exitTimes).hasSizeLessThan(RestartPolicy.CRASH_LOOP_EXITS);
  }

  @Test
  void aBootErrorFailsAtOnceWithItsReason() {
    slot.lastExit = "boot error: class com.example.Missing not found";
    assertThat(exitAfter(100, true)).isTrue();
    assertThat(RestartPolicy.failure(slot)).isEqualTo("boot error: class com.example.Missing not found");
  }
}
