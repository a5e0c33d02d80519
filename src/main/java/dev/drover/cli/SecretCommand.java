package dev.drover.cli;

import dev.drover.config.Secret;
import dev.drover.config.SecretGenerator;
import dev.drover.config.SecretsFile;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "secret", mixinStandardHelpOptions = true, header = "Print a fresh random token, or rotate one in .secrets.toml.",
    description = {"Print a fresh random token (hex), e.g. for secret_key in .secrets.toml; or, with --rotate,",
        "replace one in .secrets.toml (kept 0600, other keys untouched, the new value never printed).",
        "Rotating secret_key keeps the old one in secret_key_fallbacks, so signed sessions stay valid.",
        "Then run drover reload."})
final class SecretCommand implements Callable<Integer> {
  private final Cli cli;

  @Option(names = "--bytes", paramLabel = "N", defaultValue = "" + SecretGenerator.DEFAULT_BYTES,
      description = "Random bytes in the token (default: ${DEFAULT-VALUE}).")
  int bytes;

  @Option(names = "--rotate", paramLabel = "KEY", description = "secret_key or admin_token: rotate it in .secrets.toml.")
  String rotate;

  SecretCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    String fresh = new SecretGenerator(new SecureRandom()).hex(bytes);
    if (rotate == null) {
      cli.out.println(fresh);
      return ExitCodes.OK;
    }
    String path = new SecretsFile(cli.options.projectDir()).rotate(rotate, new Secret(fresh));
    cli.out.println("rotated " + path + " in .secrets.toml"
        + (path.equals("secret_key") ? " (the old key is now first in secret_key_fallbacks)" : "")
        + "; drover reload applies it to a running cluster");
    return ExitCodes.OK;
  }
}
