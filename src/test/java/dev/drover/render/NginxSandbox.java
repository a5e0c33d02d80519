package dev.drover.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drover.testing.Peers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Runs the real nginx on a generated nginx.conf as generated, except that the pid, logs and temporary
 * folders it names on a server are moved into a folder of the test, so nginx writes nowhere else.
 */
final class NginxSandbox {
  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(60);

  private final Path nginx;
  private final String build;

  NginxSandbox() {
    nginx = Peers.require("nginx", "nginx-light");
    build = Peers.run(List.of(nginx.toString(), "-V"), Path.of("."), CHECK_TIMEOUT).output();
  }

  /** {@code nginx -t} on the config. */
  Peers.Result test(String conf, Path parent) {
    Path sandbox = sandbox(parent);
    Path file = write(conf, sandbox);
    return Peers.run(List.of(nginx.toString(), "-t", "-e", "stderr", "-p", sandbox + "/", "-c", file.toString()),
        sandbox, CHECK_TIMEOUT);
  }

  /** The command that runs nginx on the config in the foreground; the caller owns the process. */
  List<String> foreground(String conf, Path parent) {
    Path sandbox = sandbox(parent);
    Path file = write(conf, sandbox);
    return List.of(nginx.toString(), "-e", "stderr", "-p", sandbox + "/", "-c", file.toString(), "-g", "daemon off;");
  }

  private static Path sandbox(Path parent) {
    try {
      return Files.createTempDirectory(parent, "nginx-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path write(String conf, Path sandbox) {
    assertThat(conf).contains("pid /run/nginx.pid;", "error_log /var/log/nginx/", "access_log /var/log/nginx/");
    String local = conf.replace("/run/nginx.pid", sandbox.resolve("nginx.pid").toString())
        .replace("/var/log/nginx/", sandbox + "/")
        .replaceFirst("(?m)^http \\{$", "http {\n" + tempPaths(sandbox));
    Path file = sandbox.resolve("nginx.conf");
    try {
      Files.writeString(file, local);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** nginx creates a temporary folder for each module that buffers to disk; keep them all in the sandbox. */
  private String tempPaths(Path sandbox) {
    StringBuilder b = new StringBuilder();
    b.append("    client_body_temp_path ").append(sandbox.resolve("body")).append(";\n");
    b.append("    proxy_temp_path ").append(sandbox.resolve("proxy")).append(";\n");
    for (String module : List.of("fastcgi", "uwsgi", "scgi")) {
      if (!build.contains("--without-http_" + module + "_module")) {
        b.append("    ").append(module).append("_temp_path ").append(sandbox.resolve(module)).append(";\n");
      }
    }
    return b.toString();
  }
}
