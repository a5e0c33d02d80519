package dev.drover.cli;

import dev.drover.config.RunLayout;
import dev.drover.control.ClusterControl;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "scale", mixinStandardHelpOptions = true, header = "Grow or shrink the number of workers live.",
    description = "Grow or shrink the number of workers live; new ones are admitted once they answer, removed ones drain first.")
final class ScaleCommand implements Callable<Integer> {
  private final Cli cli;

  @Parameters(index = "0", paramLabel = "N", description = "The number of workers wanted.")
  int workers;

  @Option(names = "--force", description = "Scale even beyond what this machine's memory and cores can carry.")
  boolean force;

  ScaleCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    cli.out.println(new ClusterControl(new RunLayout(cli.options.projectDir())).scale(workers, force));
    return ExitCodes.OK;
  }
}
