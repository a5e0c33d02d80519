package dev.drover.worker;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import java.net.BindException;
import java.net.InetSocketAddress;

/**
 * The worker's Undertow server: the app behind the health check, behind a graceful-shutdown gate that
 * lets requests in flight finish while new ones get 503 (health included, so a draining worker reads as
 * not ready).
 */
final class WorkerServer {
  // Bounds Undertow's own wait for its worker threads in stop(): a handler stuck past the drain must not
  // keep a stopping process alive.
  private static final int STOP_TIMEOUT_MILLIS = 1_000;

  private final Undertow undertow;
  private final GracefulShutdownHandler gate;
  private final String where;

  WorkerServer(String host, int port, int ioThreads, int workerThreads, HttpHandler app) {
    this.where = host + ":" + port;
    this.gate = new GracefulShutdownHandler(new HealthHandler(app));
    this.undertow = Undertow.builder()
        .addHttpListener(port, host)
        .setIoThreads(Math.max(1, ioThreads))
        .setWorkerThreads(Math.max(1, workerThreads))
        .setServerOption(UndertowOptions.SHUTDOWN_TIMEOUT, STOP_TIMEOUT_MILLIS)
        .setHandler(gate)
        .build();
  }

  /** Binds and starts; a port that cannot be bound is a boot error. */
  void start() throws BootException {
    try {
      undertow.start();
    } catch (RuntimeException e) {
      Throwable bind = e;
      while (bind != null && !(bind instanceof BindException)) {
        bind = bind.getCause();
      }
      String why = bind != null ? bind.getMessage() : String.valueOf(e.getMessage() != null ? e.getMessage() : e);
      throw new BootException("cannot listen on " + where + ": " + why, e);
    }
  }

  /** The bound address, with the real port even when 0 was asked. */
  InetSocketAddress address() {
    return (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
  }

  /**
   * Stops taking requests, waits up to {@code timeoutMillis} for those in flight, then stops the server.
   *
   * @return true when every request finished within the time
   */
  boolean drainAndStop(long timeoutMillis) {
    gate.shutdown();
    boolean drained;
    try {
      drained = gate.awaitShutdown(Math.max(0, timeoutMillis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      drained = false;
    }
    undertow.stop();
    return drained;
  }
}
