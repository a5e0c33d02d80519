package dev.drover.cli;

import dev.drover.config.SecretGenerator;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "secret", mixinStandardHelpOptions = true, header = "Print a fresh random token.",
    description = "Print a fresh random token (hex), e.g. for secret_key in .secrets.toml.")
final class SecretCommand implements Callable<Integer> {
  private final Cli cli;

  @Option(names = "--bytes", paramLabel = "N", defaultValue = "" + SecretGenerator.DEFAULT_BYTES,
      description = "Random bytes in the token (default: ${DEFAULT-VALUE}).")
  int bytes;

  SecretCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    cli.out.println(new SecretGenerator(new SecureRandom()).hex(bytes));
    return ExitCodes.OK;
  }
}
