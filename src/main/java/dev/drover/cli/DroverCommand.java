package dev.drover.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "drover", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    header = "Run a Java web app behind a protecting load balancer.",
    description = {
        "Run a Java web app as Undertow worker processes behind a load balancer",
        "that protects them, from one settings.toml: what gunicorn + nginx +",
        "dynaconf are for Python."})
final class DroverCommand implements Callable<Integer> {
  @Mixin
  GlobalOptions options;

  @Spec
  CommandSpec spec;

  DroverCommand(Cli cli) {
    this.options = cli.options;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return ExitCodes.USAGE;
  }
}
