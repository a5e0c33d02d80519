package dev.drover.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "stop", mixinStandardHelpOptions = true,
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
  public Integer call() {
    throw new ExitCodes.NotRunning("not running");
  }
}
