package dev.drover.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.drover.balancer.Balancer;
import dev.drover.config.Config;
import dev.drover.config.ConfigException;
import dev.drover.config.DroverException;
import dev.drover.config.Entry;
import dev.drover.runtime.docker.DockerRuntime;
import java.util.List;
import dev.drover.config.ConfigDiff;
import dev.drover.config.ConfigReport;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code drover config show|check|diff}. */
@Command(name = "config", mixinStandardHelpOptions = true, header = "Show, check or compare the project's settings.",
    description = "Show the effective settings of an environment, check them as start would, or compare two environments.")
final class ConfigCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  private ConfigCommand() {
  }

  static CommandLine commandLine(Cli cli) {
    CommandLine cmd = new CommandLine(new ConfigCommand());
    cmd.addSubcommand(new Show(cli));
    cmd.addSubcommand(new Check(cli));
    cmd.addSubcommand(new Diff(cli));
    return cmd;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return ExitCodes.USAGE;
  }

  @Command(name = "show", mixinStandardHelpOptions = true, header = "Print the effective settings, secrets masked.",
      description = "Print the effective settings of the environment, secrets masked, as TOML or JSON, optionally with where each value came from.")
  static final class Show implements Callable<Integer> {
    private final Cli cli;

    @Option(names = "--json", description = "Print JSON instead of TOML.")
    boolean json;

    @Option(names = "--origin", description = "Tell where each value came from: built-in default, file:line or env var.")
    boolean origin;

    @Option(names = "--reveal", description = "Show secret values instead of ********.")
    boolean reveal;

    Show(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() throws Exception {
      ConfigReport report = new ConfigReport(cli.load(), reveal);
      if (json) {
        cli.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .writeValueAsString(report.json(origin)));
      } else {
        cli.out.print(report.toml(origin));
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "check", mixinStandardHelpOptions = true, header = "Validate the settings as start would, like nginx -t.",
      description = {"Validate settings.toml and .secrets.toml, like nginx -t.",
          "Exit 0 when valid, 1 with one line per problem otherwise."})
  static final class Check implements Callable<Integer> {
    private final Cli cli;

    Check(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      Config config = cli.loadToRun();
      try {
        Balancer.check(config.settings().balancer(), cli.options.projectDir());
        if (config.settings().cluster().runtime().equals("docker")) {
          DockerRuntime.check(config.settings());
        }
      } catch (ConfigException e) {
        throw new ConfigException(e.problems().stream().map(p -> located(config, p)).toList());
      } catch (DroverException e) {
        throw new ConfigException(List.of(located(config, e.getMessage())));
      }
      cli.out.println("settings are valid (environment " + config.env() + ", " + cli.options.projectDir() + ")");
      return ExitCodes.OK;
    }
  }

  /** Puts the file and line of the key a problem starts with in front of it, as the settings' own problems have. */
  static String located(Config config, String problem) {
    java.util.regex.Matcher key = java.util.regex.Pattern.compile("^[a-z_.]+").matcher(problem);
    Entry entry = key.find() ? config.entries().get(key.group()) : null;
    return entry != null && entry.origin().isFile() ? entry.origin() + " " + problem : problem;
  }

  @Command(name = "diff", mixinStandardHelpOptions = true, header = "List the settings that differ between two environments.",
      description = "List the settings that differ between two environments, secrets masked.")
  static final class Diff implements Callable<Integer> {
    private final Cli cli;

    @Parameters(index = "0", paramLabel = "ENV_A")
    String envA;

    @Parameters(index = "1", paramLabel = "ENV_B")
    String envB;

    Diff(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      var rows = ConfigDiff.between(cli.load(envA), cli.load(envB));
      cli.out.print(ConfigDiff.table(envA, envB, rows));
      return ExitCodes.OK;
    }
  }
}
