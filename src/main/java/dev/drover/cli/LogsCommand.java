package dev.drover.cli;

import dev.drover.config.RunLayout;
import dev.drover.control.LogTail;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "logs", mixinStandardHelpOptions = true, header = "Print the supervisor's log, or a worker's.",
    description = "Print the supervisor's log, or a worker's with its id; -f follows it.")
final class LogsCommand implements Callable<Integer> {
  private final Cli cli;

  @Parameters(index = "0", arity = "0..1", paramLabel = "WORKER_ID", description = "A worker id (default: the supervisor).")
  Integer worker;

  @Option(names = {"-f", "--follow"}, description = "Keep printing new lines.")
  boolean follow;

  @Option(names = {"-n", "--lines"}, paramLabel = "N", description = "Lines to print (default: ${DEFAULT-VALUE}).")
  int lines = 50;

  @Option(names = "--reopen", description = "Have the running balancer reopen .drover/logs/access.log (after logrotate moved it).")
  boolean reopen;

  LogsCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() throws Exception {
    if (lines < 0) {
      throw new dev.drover.config.DroverException("--lines must be 0 or more, got " + lines);
    }
    RunLayout layout = new RunLayout(cli.options.projectDir());
    if (reopen) {
      new dev.drover.control.ClusterControl(layout).reopenLogs();
      cli.out.println("reopened " + layout.projectDir().relativize(layout.accessLog()));
      return ExitCodes.OK;
    }
    new LogTail(layout).print(worker, lines, follow, cli.out, () -> true);
    return ExitCodes.OK;
  }
}
