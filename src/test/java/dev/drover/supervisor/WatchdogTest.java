package dev.drover.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drover.supervisor.Watchdog.Verdict;
import org.junit.jupiter.api.Test;

/** Probe pacing and hang detection on a clock the test moves. */
class WatchdogTest {
  private static final long TIMEOUT = 30_000;

  private static Worker worker(long now) {
    return new Worker(1, 1, 8001, new SupervisorTest.FakeWorker(42) { }, now);
  }

  @Test
  void aStartingWorkerIsProbedEveryTenMillisecondsAndGivenAMinuteToBoot() {
    Worker w = worker(0);
    w.lastProbeMillis = 0;
    assertThat(Watchdog.check(w, TIMEOUT, 5)).isEqualTo(Verdict.WAIT);
    assertThat(Watchdog.check(w, TIMEOUT, 10)).isEqualTo(Verdict.PROBE);
    assertThat(Watchdog.check(w, 1_000, 59_000)).isEqualTo(Verdict.PROBE);
    assertThat(Watchdog.check(w, 1_000, 60_001)).isEqualTo(Verdict.HUNG);
  }

  @Test
  void aReadyWorkerIsProbedOnceASecondAndHungAfterTheTimeout() {
    Worker w = worker(0);
    w.state = WorkerState.READY;
    w.lastAnswerMillis = 100_000;
    assertThat(Watchdog.check(w, TIMEOUT, 100_500)).isEqualTo(Verdict.WAIT);
    assertThat(Watchdog.check(w, TIMEOUT, 101_000)).isEqualTo(Verdict.PROBE);
    assertThat(Watchdog.check(w, TIMEOUT, 130_001)).isEqualTo(Verdict.HUNG);
  }

  @Test
  void aWorkerBeingProbedOrKilledIsLeftAlone() {
    Worker w = worker(0);
    w.state = WorkerState.READY;
    w.probing = true;
    assertThat(Watchdog.check(w, TIMEOUT, 1_000_000)).isEqualTo(Verdict.WAIT);
    w.probing = false;
    w.terminateSent = true;
    assertThat(Watchdog.check(w, TIMEOUT, 1_000_000)).isEqualTo(Verdict.WAIT);
  }
}
