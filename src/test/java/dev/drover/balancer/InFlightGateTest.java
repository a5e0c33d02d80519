package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drover.balancer.InFlightGate.Admission;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InFlightGateTest {
  private final InFlightGate gate = new InFlightGate();

  @Test
  void requestsRunUpToTheLimitThenWaitUpToTheQueueThenAreRefused() {
    assertThat(gate.admit(2, 1)).isEqualTo(Admission.RUN);
    assertThat(gate.admit(2, 1)).isEqualTo(Admission.RUN);
    assertThat(gate.admit(2, 1)).isEqualTo(Admission.WAIT);
    assertThat(gate.admit(2, 1)).isEqualTo(Admission.REFUSE);
    assertThat(gate.inFlight()).isEqualTo(2);
    assertThat(gate.waiting()).isEqualTo(1);
  }

  @Test
  void aFreedSlotGoesToTheWaiterNotToANewcomer() {
    assertThat(gate.admit(1, 5)).isEqualTo(Admission.RUN);
    assertThat(gate.admit(1, 5)).isEqualTo(Admission.WAIT);

    gate.releaseSlot();
    // a slot is free, but somebody waits for it: the newcomer queues behind
    assertThat(gate.admit(1, 5)).isEqualTo(Admission.WAIT);
    assertThat(gate.takeSlot(1)).isTrue(); // the first waiter's
    gate.leaveQueue();
    assertThat(gate.takeSlot(1)).isFalse();
    assertThat(gate.inFlight()).isEqualTo(1);
    assertThat(gate.waiting()).isEqualTo(1);
  }

  @Test
  void noLimitIsPassedByThreadsRacingForSlots() throws Exception {
    int limit = 3;
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 20_000; i++) {
          if (gate.admit(limit, 0) == Admission.RUN) {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            running.decrementAndGet();
            gate.releaseSlot();
          }
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(most.get()).isBetween(1, limit);
    assertThat(gate.inFlight()).isZero();
    assertThat(gate.waiting()).isZero();
  }
}
