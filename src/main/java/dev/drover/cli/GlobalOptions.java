package dev.drover.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Options every command takes, before or after its name. */
final class GlobalOptions {
  @Option(names = {"-C", "--project"}, paramLabel = "DIR", scope = ScopeType.INHERIT,
      description = "Project directory (default: the current directory).")
  Path project = Path.of("");

  @Option(names = {"-e", "--env"}, paramLabel = "NAME", scope = ScopeType.INHERIT,
      description = "Environment (default: $DROVER_ENV, else development).")
  String env;

  @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "Show stack traces of errors.")
  boolean verbose;

  Path projectDir() {
    return project.toAbsolutePath().normalize();
  }
}
