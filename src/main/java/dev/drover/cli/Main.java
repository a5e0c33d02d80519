package dev.drover.cli;

import dev.drover.config.ConfigException;
import dev.drover.config.DroverException;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/** The composition root: wires the commands, runs one, and is the only place that exits. */
public final class Main {
  private Main() {
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(run(args, System.getenv(), out, err));
  }

  /** Runs drover with the given arguments and environment; returns the exit code. */
  public static int run(String[] args, Map<String, String> environment, PrintWriter out, PrintWriter err) {
    Cli cli = new Cli(environment, out, err);
    CommandLine cmd = commandLine(cli);
    cmd.setOut(out);
    cmd.setErr(err);
    cmd.setExecutionExceptionHandler((e, line, parsed) -> report(e, cli.options.verbose, err));
    cmd.setParameterExceptionHandler((e, args2) -> {
      err.println(e.getMessage());
      CommandLine failed = e.getCommandLine();
      err.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
      return ExitCodes.USAGE;
    });
    int code = cmd.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  static CommandLine commandLine(Cli cli) {
    CommandLine cmd = new CommandLine(new DroverCommand(cli));
    cmd.addSubcommand(new InitCommand(cli));
    cmd.addSubcommand(ConfigCommand.commandLine(cli));
    cmd.addSubcommand(new GenerateCommand(cli));
    cmd.addSubcommand(ImageCommand.commandLine(cli));
    cmd.addSubcommand(new SecretCommand(cli));
    cmd.addSubcommand(new StartCommand(cli));
    cmd.addSubcommand(new StopCommand(cli));
    cmd.addSubcommand(new ReloadCommand(cli));
    cmd.addSubcommand(new StatusCommand(cli));
    cmd.addSubcommand(new ScaleCommand(cli));
    cmd.addSubcommand(new LogsCommand(cli));
    return cmd;
  }

  /** Prints why a command failed, as one line per problem, and returns its exit code. */
  static int report(Exception e, boolean verbose, PrintWriter err) {
    if (e instanceof ConfigException ce) {
      ce.problems().forEach(err::println);
    } else if (e instanceof DroverException) {
      err.println("drover: " + e.getMessage());
    } else {
      err.println("drover: internal error: " + e + (verbose ? "" : " (run with -v for details)"));
    }
    if (verbose) {
      e.printStackTrace(err);
    }
    return ExitCodes.of(e);
  }
}
