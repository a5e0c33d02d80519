package dev.drover.render;

import dev.drover.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** What {@code drover.service.mustache} shows: a unit that runs {@code drover start} in the foreground. */
record SystemdModel(String project, String env, String description, String workingDirectory, String execStart,
    long stopTimeoutSeconds) {

  /**
   * Time systemd waits beyond {@code cluster.graceful_timeout} before it kills: the supervisor drains the
   * workers for up to the graceful timeout, then kills stragglers and exits.
   */
  static final Duration STOP_MARGIN = Duration.ofSeconds(10);

  static SystemdModel of(Settings settings, Path projectDir, Path javaBinary, Path droverJar) {
    String project = projectDir.getFileName() == null ? "drover" : projectDir.getFileName().toString();
    // Only the environment's name goes on the command line; its secrets stay in .secrets.toml.
    List<String> command = List.of(javaBinary.toString(), "-jar", droverJar.toString(), "-C", projectDir.toString(),
        "-e", settings.env(), "start");
    Duration graceful = settings.cluster().gracefulTimeout();
    long seconds = graceful.toSeconds() + (graceful.toNanosPart() > 0 ? 1 : 0) + STOP_MARGIN.toSeconds();
    return new SystemdModel(project, settings.env(),
        Quoting.systemdValue("drover " + project + " (" + settings.env() + ")"),
        Quoting.systemdValue(projectDir.toString()),
        command.stream().map(Quoting::systemdArgument).collect(Collectors.joining(" ")),
        seconds);
  }
}
