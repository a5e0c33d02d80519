package dev.drover.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;

@Command(name = "completion", mixinStandardHelpOptions = true,
    header = "Print a bash (and zsh) completion script for drover.",
    description = {"Print a completion script for bash, which zsh loads too (autoload bashcompinit first).",
        "Install it with: drover completion > /etc/bash_completion.d/drover",
        "or for this shell only: source <(drover completion)"})
final class CompletionCommand implements Callable<Integer> {
  private final Cli cli;

  CompletionCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    // every command, not only this one, which is all this run of drover built
    cli.out.print(AutoComplete.bash("drover", Main.commandLine(cli)));
    cli.out.flush();
    return ExitCodes.OK;
  }
}
