package dev.drover.cli;

import dev.drover.config.DroverJar;
import dev.drover.control.ClusterRunner;
import dev.drover.control.Detacher;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "start", mixinStandardHelpOptions = true, header = "Start the workers and the balancer.",
    description = {"Start the workers and the balancer.",
        "Foreground by default (Ctrl+C stops gracefully); -d detaches and returns once every worker is ready."})
final class StartCommand implements Callable<Integer> {
  private final Cli cli;

  @Option(names = {"-d", "--detach"}, description = "Run in the background; logs go to .drover/logs/.")
  boolean detach;

  @Option(names = "--force", description = "Start even a worker count beyond what this machine's memory and cores can carry.")
  boolean force;

  StartCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() throws Exception {
    if (detach) {
      return new Detacher(cli.loader(), cli.env(), cli.out, force).start();
    }
    // From a jar, the supervisor runs from its private copy; from a build's classes (tests), in this JVM.
    return DroverJar.source().isPresent() ? new Detacher(cli.loader(), cli.env(), cli.out, force).runAttached()
        : new ClusterRunner(cli.loader(), cli.env(), cli.out, force).run();
  }
}
