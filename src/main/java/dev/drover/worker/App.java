package dev.drover.worker;

import io.undertow.server.HttpHandler;

/**
 * A web app drover runs: name its class as {@code app} in settings.toml and put its jars or class folders in
 * {@code app_classpath}. Every worker process creates one instance through a public no-arg constructor and
 * asks it once for its handler.
 *
 * <p>The handler runs on a worker thread in blocking mode, so it may block (JDBC, HTTP calls, file reads) and
 * use {@code exchange.getInputStream()}. Each worker is its own process: keep state that must outlive a
 * request, or be seen by every worker, outside (a database, a cache), never in fields of the app.
 *
 * <p>A plain {@link HttpHandler} class works too, without this interface: it gets the {@code app_settings}
 * and the secrets through a public constructor taking a {@code java.util.Map<String, Object>}, or nothing
 * through a public no-arg one.
 */
public interface App {
  /**
   * Builds the app's handler. Called once at worker start; an exception here is a boot error, and the
   * supervisor does not restart a worker that cannot boot.
   */
  HttpHandler handler(AppContext ctx) throws Exception;
}
