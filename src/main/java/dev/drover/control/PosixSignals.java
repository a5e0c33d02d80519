package dev.drover.control;

import dev.drover.supervisor.Supervisor;
import sun.misc.Signal;

/** Turns the supervisor's POSIX signals into arbiter events, as gunicorn's master does. */
final class PosixSignals {
  private static final String[] HANDLED = {"TERM", "INT", "HUP", "TTIN", "TTOU"};

  private PosixSignals() {
  }

  static void forward(Supervisor supervisor) {
    for (String name : HANDLED) {
      try {
        Signal.handle(new Signal(name), s -> supervisor.signal(name));
      } catch (IllegalArgumentException e) {
        // signal unknown or reserved on this platform: that control path is simply absent
      }
    }
  }
}
