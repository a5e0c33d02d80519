package dev.drover.control;

import dev.drover.supervisor.Supervisor;
import sun.misc.Signal;

/** Turns the supervisor's POSIX signals into arbiter events, as gunicorn's master does. */
final class PosixSignals {
  private static final String[] HANDLED = {"TERM", "INT", "HUP", "TTIN", "TTOU"};

  private PosixSignals() {
  }

  /** TERM/INT stop, HUP reloads, TTIN/TTOU scale by one; USR1 reopens the access log, as nginx does for logrotate. */
  static void forward(Supervisor supervisor, Runnable reopenLogs) {
    handle("USR1", reopenLogs);
    for (String name : HANDLED) {
      handle(name, () -> supervisor.signal(name));
    }
  }

  /**
   * Passes every signal a supervisor acts on to the supervisor a foreground {@code drover start} runs as its
   * child: TERM and INT as SIGTERM through the JDK, the others as what they mean, over the control socket
   * (HUP reload, TTIN/TTOU one worker more or less, USR1 reopen the access log), so no {@code kill} binary is
   * needed (a FROM-scratch container has none).
   */
  static void relay(Process child, ControlClient control) {
    handle("TERM", () -> child.toHandle().destroy());
    handle("INT", () -> child.toHandle().destroy());
    handle("HUP", () -> inBackground(() -> control.reload(false, false)));
    handle("TTIN", () -> inBackground(() -> control.scale(control.status().desiredWorkers() + 1, false)));
    handle("TTOU", () -> inBackground(() -> control.scale(Math.max(1, control.status().desiredWorkers() - 1), false)));
    handle("USR1", () -> inBackground(control::reopenLogs));
  }

  /** Off the signal thread; a refusal (a reload of bad settings) is the supervisor's to log, not this command's. */
  private static void inBackground(Runnable action) {
    Thread t = new Thread(() -> {
      try {
        action.run();
      } catch (RuntimeException e) {
        // the supervisor logged why
      }
    }, "drover-signal-relay");
    t.setDaemon(true);
    t.start();
  }

  private static void handle(String name, Runnable action) {
    try {
      Signal.handle(new Signal(name), s -> action.run());
    } catch (IllegalArgumentException e) {
      // signal unknown or reserved on this platform: that control path is simply absent
    }
  }
}
