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
    // From a jar, the supervisor runs from its private copy, so replacing the jar cannot disturb it. Not as a
    // container's PID 1, whose jar is the image's and cannot change, and which must itself be the supervisor
    // that docker stop's SIGTERM drains; nor from a build's classes (tests).
    boolean inPlace = DroverJar.source().isEmpty() || ProcessHandle.current().pid() == 1;
    return inPlace ? new ClusterRunner(cli.loader(), cli.env(), cli.out, force).run()
        : new Detacher(cli.loader(), cli.env(), cli.out, force).runAttached();
  }
}
