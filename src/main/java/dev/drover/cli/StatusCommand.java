package dev.drover.cli;

import dev.drover.config.RunLayout;
import dev.drover.control.ClusterControl;
import dev.drover.control.StatusView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true, header = "Show the cluster and one row per worker.",
    description = {"Show the cluster's state, then one row per worker: id, pid, port, state, uptime,",
        "restarts, requests, in-flight, RSS, drover version and last exit. --json prints the same as JSON."})
final class StatusCommand implements Callable<Integer> {
  private final Cli cli;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  StatusCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() throws Exception {
    var status = new ClusterControl(new RunLayout(cli.options.projectDir())).status();
    cli.out.print(json ? ClusterControl.json(status) + System.lineSeparator() : StatusView.render(status));
    return ExitCodes.OK;
  }
}
