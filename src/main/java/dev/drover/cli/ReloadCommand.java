package dev.drover.cli;

import dev.drover.config.RunLayout;
import dev.drover.control.ClusterControl;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "reload", mixinStandardHelpOptions = true,
    header = "Validate the settings, then replace every worker with no failed request.",
    description = {"Re-read and validate the settings, then replace every worker by a new generation",
        "(start new, wait ready, admit, drain old, stop old) with no failed request.",
        "Invalid settings leave the running cluster untouched."})
final class ReloadCommand implements Callable<Integer> {
  private final Cli cli;

  @Option(names = "--dry-run", description = "Validate and print the plan only.")
  boolean dryRun;

  @Option(names = "--force", description = "Apply even a worker count beyond what this machine's memory and cores can carry.")
  boolean force;

  ReloadCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    new ClusterControl(new RunLayout(cli.options.projectDir())).reload(dryRun, force).forEach(cli.out::println);
    return ExitCodes.OK;
  }
}
