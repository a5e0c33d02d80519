package dev.drover.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class EventsTest {
  @Test
  void theSupervisorsLinesBecomeEventsOfTheirKindAndRoutineOnesAreLeftOut() {
    Events e = new Events(Clock.fixed(Instant.ofEpochMilli(1000), ZoneOffset.UTC));
    e.supervisorLine("spawned worker 1 (pid 5, port 6, generation 1)");
    e.supervisorLine("worker 1 (pid 5, port 6, generation 1) ready in 900 ms");
    e.supervisorLine("worker 2 (pid 7, port 8, generation 1) exited unexpectedly: killed (SIGKILL)");
    e.supervisorLine("worker 3 failed (5 exits within 60s); retrying in 30s");
    e.supervisorLine("reload: new workers apply: app_settings.greeting");
    e.supervisorLine("scaling from 3 to 4 workers");
    e.supervisorLine("worker 4 (pid 9, port 10, generation 1) restart requested");
    assertThat(e.last(50)).extracting(Events.Event::kind).containsExactly("exit", "failed", "reload", "scale", "restart");
    assertThat(e.last(2)).extracting(Events.Event::text)
        .containsExactly("scaling from 3 to 4 workers", "worker 4 (pid 9, port 10, generation 1) restart requested");
    assertThat(e.last(1).get(0).timeMillis()).isEqualTo(1000);
  }

  @Test
  void onlyTheNewestAreKept() {
    Events e = new Events(Clock.systemUTC());
    for (int i = 0; i < Events.KEEP + 10; i++) {
      e.supervisorLine("scaling " + i);
    }
    assertThat(e.last(Events.KEEP * 2)).hasSize(Events.KEEP);
    assertThat(e.last(1).get(0).text()).isEqualTo("scaling " + (Events.KEEP + 9));
  }
}
