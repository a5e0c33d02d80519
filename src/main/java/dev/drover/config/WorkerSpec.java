package dev.drover.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one worker process needs to boot, written by the supervisor to {@code .drover/run/worker-N.json}.
 * It never holds a secret: secrets reach the worker on its standard input, so this file may be read by anyone
 * who can read the project.
 *
 * @param id                    the worker's number, 1-based, stable across restarts of the same slot
 * @param generation            the reload generation this worker belongs to
 * @param host                  the address to listen on, usually {@code 127.0.0.1}
 * @param port                  the port to listen on, chosen free by the supervisor
 * @param env                   the environment name, e.g. {@code development}
 * @param projectDir            absolute path of the project; relative paths below resolve against it
 * @param app                   {@code demo}, {@code static} or a fully qualified class name
 * @param appClasspath          jars or directories of a custom app, relative to {@code projectDir}
 * @param staticRoot            the folder served by the {@code static} app, relative to {@code projectDir}
 * @param logLevel              TRACE, DEBUG, INFO, WARN or ERROR
 * @param ioThreads             Undertow IO threads
 * @param workerThreads         Undertow worker threads, for blocking handlers
 * @param gracefulTimeoutMillis how long a stopping worker waits for requests in flight
 * @param appSettings           the {@code app_settings} table without its secrets
 */
public record WorkerSpec(
    int id,
    int generation,
    String host,
    int port,
    String env,
    String projectDir,
    String app,
    List<String> appClasspath,
    String staticRoot,
    String logLevel,
    int ioThreads,
    int workerThreads,
    long gracefulTimeoutMillis,
    Map<String, Object> appSettings) {

  public WorkerSpec {
    appClasspath = appClasspath == null ? List.of() : List.copyOf(appClasspath);
    // A LinkedHashMap copy keeps the table's order, which Map.copyOf would shuffle.
    appSettings = appSettings == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(appSettings));
  }
}
