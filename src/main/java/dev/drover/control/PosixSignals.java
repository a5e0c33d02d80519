package dev.drover.control;

import dev.drover.supervisor.Supervisor;
import dev.drover.runtime.Signals;
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
   * Passes every signal a supervisor acts on, USR1 included, to the process {@code pid}: a foreground
   * {@code drover start} relays them to the supervisor it runs as its child.
   */
  static void relay(long pid) {
    handle("USR1", () -> Signals.send(pid, "USR1"));
    for (String name : HANDLED) {
      handle(name, () -> Signals.send(pid, name));
    }
  }

  private static void handle(String name, Runnable action) {
    try {
      Signal.handle(new Signal(name), s -> action.run());
    } catch (IllegalArgumentException e) {
      // signal unknown or reserved on this platform: that control path is simply absent
    }
  }
}
