package dev.drover.runtime;

import java.util.concurrent.CompletableFuture;

/** A running worker as the supervisor sees it, whatever runs it. */
public interface WorkerProcess {

  long pid();

  boolean isAlive();

  /** Completes with the exit code when the worker has exited (128+signal when killed by one). */
  CompletableFuture<Integer> onExit();

  /** SIGTERM: the worker stops accepting, finishes requests in flight, exits. */
  void terminate();

  /** SIGKILL. */
  void kill();

  /** SIGQUIT: the JVM writes a thread dump to its log and keeps running. */
  void dumpThreads();

  /** Resident memory in bytes, or -1 when it cannot be read. */
  long rssBytes();
}
