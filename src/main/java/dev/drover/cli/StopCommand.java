package dev.drover.cli;

import dev.drover.config.RunLayout;
import dev.drover.control.ClusterControl;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "stop", mixinStandardHelpOptions = true, header = "Stop the cluster gracefully.",
    description = "Stop the cluster gracefully: drain in-flight requests, TERM the workers, KILL stragglers.")
final class StopCommand implements Callable<Integer> {
  private final Cli cli;

  @Option(names = "--timeout", paramLabel = "DURATION",
      description = "How long to let in-flight requests finish (default: cluster.graceful_timeout).")
  String timeout;

  StopCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() throws Exception {
    if (timeout != null) {
      try {
        dev.drover.config.Durations.parse(timeout);
      } catch (IllegalArgumentException e) {
        throw new dev.drover.config.DroverException("--timeout must be " + e.getMessage() + ", got \"" + timeout + "\"");
      }
    }
    new ClusterControl(new RunLayout(cli.options.projectDir())).stop(timeout, cli.out);
    return ExitCodes.OK;
  }
}
