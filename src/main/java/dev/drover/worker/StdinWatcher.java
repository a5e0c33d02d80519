package dev.drover.worker;

import java.io.IOException;
import java.io.Reader;

/**
 * Watches the pipe from the supervisor. The supervisor never writes after the secrets line and never closes
 * its end while it lives, so end of input means it is gone (even by {@code kill -9}): the worker must stop
 * rather than live on as an orphan nobody supervises.
 */
final class StdinWatcher {
  private StdinWatcher() {
  }

  /** Starts a daemon thread that drains {@code in} and runs {@code onEof} once the pipe closes or breaks. */
  static Thread start(Reader in, Runnable onEof) {
    Thread t = new Thread(() -> {
      char[] buf = new char[256];
      try {
        while (in.read(buf) >= 0) {
          // Anything after the secrets line is ignored: the pipe is a lifeline, not a channel.
        }
      } catch (IOException e) {
        // A broken pipe means the same as end of input.
      }
      onEof.run();
    }, "drover-stdin-watcher");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
