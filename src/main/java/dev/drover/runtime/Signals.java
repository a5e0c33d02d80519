package dev.drover.runtime;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Sends the signals Java has no API for (QUIT, HUP, TTIN...) with the system's kill command. */
public final class Signals {
  private Signals() {
  }

  /** Sends SIG{name} to pid; returns whether kill succeeded. */
  public static boolean send(long pid, String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
