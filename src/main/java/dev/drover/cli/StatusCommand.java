package dev.drover.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Show the cluster and one row per worker:",
        "id, pid, port, state, uptime, restarts, requests, in-flight, RSS, last exit."})
final class StatusCommand implements Callable<Integer> {
  private final Cli cli;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  StatusCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    throw new ExitCodes.NotRunning("not running");
  }
}
