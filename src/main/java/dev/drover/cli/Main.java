package dev.drover.cli;

import dev.drover.config.ConfigException;
import dev.drover.config.DroverException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
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
    Cli quick = new Cli(environment, out, err);
    java.util.concurrent.Callable<Integer> everyday = QuickLine.parse(args, quick);
    if (everyday != null) {
      int code;
      try {
        code = everyday.call();
      } catch (Exception e) {
        code = report(e, quick.options.verbose, err);
      }
      out.flush();
      err.flush();
      return code;
    }
    Cli cli = new Cli(environment, out, err);
    String only = subcommandOf(args);
    CommandLine cmd = commandLine(cli, only);
    cmd.setOut(out);
    cmd.setErr(err);
    cmd.setExecutionExceptionHandler((e, line, parsed) -> report(e, cli.options.verbose, err));
    cmd.setParameterExceptionHandler((e, args2) -> {
      err.println(e.getMessage());
      CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
      CommandLine failed = e.getCommandLine();
      err.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
      return ExitCodes.USAGE;
    });
    int code = cmd.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** The commands, in the order help lists them. */
  private static Map<String, Function<Cli, Object>> commands() {
    Map<String, Function<Cli, Object>> all = new LinkedHashMap<>();
    all.put("init", InitCommand::new);
    all.put("config", ConfigCommand::commandLine);
    all.put("generate", GenerateCommand::new);
    all.put("image", ImageCommand::commandLine);
    all.put("secret", SecretCommand::new);
    all.put("start", StartCommand::new);
    all.put("stop", StopCommand::new);
    all.put("reload", ReloadCommand::new);
    all.put("status", StatusCommand::new);
    all.put("scale", ScaleCommand::new);
    all.put("logs", LogsCommand::new);
    all.put("completion", CompletionCommand::new);
    return all;
  }

  static CommandLine commandLine(Cli cli) {
    return commandLine(cli, null);
  }

  /**
   * The command line with every command, or with only {@code only} when it names one: picocli reads the
   * annotations of each command it is given, and a status or stop need not pay for the other ten.
   */
  static CommandLine commandLine(Cli cli, String only) {
    CommandLine cmd = new CommandLine(new DroverCommand(cli));
    commands().forEach((name, make) -> {
      if (only == null || only.equals(name)) {
        Object command = make.apply(cli);
        if (command instanceof CommandLine sub) {
          cmd.addSubcommand(name, sub);
        } else {
          cmd.addSubcommand(name, command);
        }
      }
    });
    manStyle(cmd);
    return cmd;
  }

  /** The command the arguments run: the first word that is neither a global option nor its value; null for none or an unknown one. */
  static String subcommandOf(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-C") || a.equals("--project") || a.equals("-e") || a.equals("--env")) {
        i++;
      } else if (!a.startsWith("-")) {
        return commands().containsKey(a) ? a : null;
      } else if (a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version")) {
        return null;
      }
    }
    return null;
  }

  /**
   * Every command's help in the sections of a man page: NAME (its one-sentence header), SYNOPSIS,
   * DESCRIPTION, ARGUMENTS, OPTIONS, COMMANDS and EXIT STATUS.
   */
  private static void manStyle(CommandLine cmd) {
    var usage = cmd.getCommandSpec().usageMessage();
    // the header stays the bare summary: command lists show it beside each name
    usage.headerHeading("NAME%n  " + cmd.getCommandSpec().qualifiedName() + " - ")
        .synopsisHeading("%nSYNOPSIS%n  ")
        .descriptionHeading("%nDESCRIPTION%n")
        .parameterListHeading("%nARGUMENTS%n")
        .optionListHeading("%nOPTIONS%n")
        .commandListHeading("%nCOMMANDS%n")
        .footerHeading("%nEXIT STATUS%n")
        .footer("  0 ok, 1 failed, 2 usage error, 3 not running.");
    cmd.getSubcommands().values().forEach(Main::manStyle);
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
