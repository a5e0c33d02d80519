package dev.drover.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "completion", mixinStandardHelpOptions = true,
    header = "Print a bash (and zsh) completion script for drover.",
    description = {"Print a completion script for bash, which zsh loads too (autoload bashcompinit first).",
        "Install it with: drover completion > /etc/bash_completion.d/drover",
        "or for this shell only: source <(drover completion)"})
final class CompletionCommand implements Callable<Integer> {
  private final Cli cli;

  @Spec
  CommandSpec spec;

  CompletionCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    cli.out.print(AutoComplete.bash("drover", spec.root().commandLine()));
    cli.out.flush();
    return ExitCodes.OK;
  }
}
