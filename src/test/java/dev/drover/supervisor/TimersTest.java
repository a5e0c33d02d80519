package dev.drover.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class TimersTest {
  @Test
  void actionsRunOnceWhenDueOrWhenTheirConditionHolds() {
    Timers timers = new Timers();
    List<String> ran = new ArrayList<>();
    AtomicBoolean settled = new AtomicBoolean();
    timers.at(500, () -> ran.add("kill"));
    timers.when(settled::get, () -> ran.add("reply"));
    timers.runDue(499);
    assertThat(ran).isEmpty();
    timers.runDue(500);
    assertThat(ran).containsExactly("kill");
    settled.set(true);
    timers.runDue(501);
    timers.runDue(502);
    assertThat(ran).containsExactly("kill", "reply");
    assertThat(timers.size()).isZero();
  }

  @Test
  void anActionScheduledByAnActionWaitsForTheNextTick() {
    Timers timers = new Timers();
    List<String> ran = new ArrayList<>();
    timers.at(0, () -> timers.at(0, () -> ran.add("second")));
    timers.runDue(1);
    assertThat(ran).isEmpty();
    timers.runDue(2);
    assertThat(ran).containsExactly("second");
  }
}
