package dev.drover.cli;

import dev.drover.config.DroverException;
import dev.drover.render.Front;
import dev.drover.render.FrontGenerator;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "generate", mixinStandardHelpOptions = true,
    header = "Render an nginx or HAProxy front, or a systemd unit, from the settings.",
    description = {"Render a front or a service unit from the settings:",
        "  nginx    a complete nginx.conf (upstream workers, keep-alive, forwarded headers, limit_req, TLS)",
        "  haproxy  an haproxy.cfg with the same limits as stick-table rules",
        "  systemd  a unit running drover start in the foreground with Restart=on-failure",
        "nginx and haproxy need cluster.base_port set, so the workers have known ports."})
final class GenerateCommand implements Callable<Integer> {
  private final Cli cli;

  @Parameters(index = "0", paramLabel = "FRONT", description = "nginx, haproxy or systemd")
  String front;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
  Path output;

  @Option(names = "--force", description = "Overwrite an existing FILE.")
  boolean force;

  GenerateCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() throws IOException {
    Front which = Front.parse(front);
    String text = new FrontGenerator(cli.options.projectDir(), Runtime.getRuntime().availableProcessors(),
        Path.of(System.getProperty("java.home"), "bin", "java"), droverJar()).render(which, cli.load().settings());
    if (output == null) {
      cli.out.print(text);
      return ExitCodes.OK;
    }
    if (Files.exists(output) && !force) {
      throw new DroverException(output + " exists; use --force to overwrite it");
    }
    Files.writeString(output, text);
    cli.out.println("wrote " + output);
    return ExitCodes.OK;
  }

  /** The jar this drover runs from (a classes folder when run from a build). */
  private static Path droverJar() {
    try {
      return Path.of(GenerateCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      return Path.of("drover.jar");
    }
  }
}
