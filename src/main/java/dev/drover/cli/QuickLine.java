package dev.drover.cli;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The everyday forms of the control commands, read without picocli: {@code start [-d] [--force]},
 * {@code stop [--timeout D]}, {@code status [--json]}, {@code reload [--dry-run] [--force]},
 * {@code scale N [--force]}, {@code logs [ID] [-f] [-n N] [--reopen]}, with the global {@code -C DIR}, {@code -e NAME} and {@code -v} before or after the
 * command's name. picocli reads every annotation of a command by reflection before it parses a word, which is
 * about 150 ms of a status that should take a fifth of a second. Anything else (help, a typo, {@code --opt=value},
 * a repeated option, a command not listed here) is left to picocli, which also owns every error message; so
 * this reads only what picocli would read the same way, which MainTest proves form by form.
 */
final class QuickLine {
  private QuickLine() {
  }

  /** The command the arguments run, its options set, or null when picocli must read them. */
  static Callable<Integer> parse(String[] args, Cli cli) {
    Set<String> seen = new HashSet<>();
    Command command = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String name = canonical(a);
      if (name != null && !seen.add(name)) {
        return null; // picocli refuses a repeated option: let it say so
      }
      if (name != null && (name.equals("-C") || name.equals("-e") || name.equals("--timeout") || name.equals("-n"))) {
        if (i + 1 == args.length || args[i + 1].startsWith("-") || args[i + 1].isEmpty()) {
          return null;
        }
        String value = args[++i];
        switch (name) {
          case "-C" -> cli.options.project = Path.of(value);
          case "-e" -> cli.options.env = value;
          default -> {
            if (command == null || !command.value(name, value)) {
              return null;
            }
          }
        }
      } else if (name != null && name.equals("-v")) {
        cli.options.verbose = true;
      } else if (name != null) {
        if (command == null || !command.flag(name)) {
          return null;
        }
      } else if (command == null) {
        command = Command.named(a, cli);
        if (command == null) {
          return null;
        }
      } else if (!command.argument(a)) {
        return null;
      }
    }
    return command == null ? null : command.ready();
  }

  /** The option's canonical name, null for a word that is not one of the options read here. */
  private static String canonical(String a) {
    return switch (a) {
      case "-C", "--project" -> "-C";
      case "-e", "--env" -> "-e";
      case "-v", "--verbose" -> "-v";
      case "-d", "--detach" -> "-d";
      case "-f", "--follow" -> "-f";
      case "-n", "--lines" -> "-n";
      case "--force", "--json", "--dry-run", "--timeout", "--reopen" -> a;
      default -> null;
    };
  }

  /** One command being read: which of the options it takes were given. */
  private abstract static class Command {
    static Command named(String word, Cli cli) {
      return switch (word) {
        case "start" -> new Start(new StartCommand(cli));
        case "stop" -> new Stop(new StopCommand(cli));
        case "status" -> new Status(new StatusCommand(cli));
        case "reload" -> new Reload(new ReloadCommand(cli));
        case "scale" -> new Scale(new ScaleCommand(cli));
        case "logs" -> new Logs(new LogsCommand(cli));
        default -> null;
      };
    }

    boolean flag(String name) {
      return false;
    }

    /** An option with a value: {@code --timeout D} or {@code -n N}. */
    boolean value(String name, String value) {
      return false;
    }

    boolean argument(String word) {
      return false;
    }

    /** The command to run, or null when a required argument is missing. */
    abstract Callable<Integer> ready();
  }

  private static final class Start extends Command {
    private final StartCommand c;

    Start(StartCommand c) {
      this.c = c;
    }

    @Override
    boolean flag(String name) {
      switch (name) {
        case "-d" -> c.detach = true;
        case "--force" -> c.force = true;
        default -> {
          return false;
        }
      }
      return true;
    }

    @Override
    Callable<Integer> ready() {
      return c;
    }
  }

  private static final class Stop extends Command {
    private final StopCommand c;

    Stop(StopCommand c) {
      this.c = c;
    }

    @Override
    boolean value(String name, String value) {
      c.timeout = value;
      return name.equals("--timeout");
    }

    @Override
    Callable<Integer> ready() {
      return c;
    }
  }

  private static final class Status extends Command {
    private final StatusCommand c;

    Status(StatusCommand c) {
      this.c = c;
    }

    @Override
    boolean flag(String name) {
      c.json = name.equals("--json");
      return c.json;
    }

    @Override
    Callable<Integer> ready() {
      return c;
    }
  }

  private static final class Reload extends Command {
    private final ReloadCommand c;

    Reload(ReloadCommand c) {
      this.c = c;
    }

    @Override
    boolean flag(String name) {
      switch (name) {
        case "--dry-run" -> c.dryRun = true;
        case "--force" -> c.force = true;
        default -> {
          return false;
        }
      }
      return true;
    }

    @Override
    Callable<Integer> ready() {
      return c;
    }
  }

  private static final class Scale extends Command {
    private final ScaleCommand c;
    private boolean counted;

    Scale(ScaleCommand c) {
      this.c = c;
    }

    @Override
    boolean flag(String name) {
      c.force = c.force || name.equals("--force");
      return name.equals("--force");
    }

    @Override
    boolean argument(String word) {
      if (counted || !digits(word)) {
        return false;
      }
      c.workers = Integer.parseInt(word);
      counted = true;
      return true;
    }

    @Override
    Callable<Integer> ready() {
      return counted ? c : null;
    }
  }

  private static final class Logs extends Command {
    private final LogsCommand c;

    Logs(LogsCommand c) {
      this.c = c;
    }

    @Override
    boolean flag(String name) {
      switch (name) {
        case "-f" -> c.follow = true;
        case "--reopen" -> c.reopen = true;
        default -> {
          return false;
        }
      }
      return true;
    }

    @Override
    boolean value(String name, String value) {
      if (!name.equals("-n") || !digits(value)) {
        return false;
      }
      c.lines = Integer.parseInt(value);
      return true;
    }

    @Override
    boolean argument(String word) {
      if (c.worker != null || !digits(word)) {
        return false;
      }
      c.worker = Integer.parseInt(word);
      return true;
    }

    @Override
    Callable<Integer> ready() {
      return c;
    }
  }

  /** Plain digits only: picocli's own reading of anything else (a sign, a huge number) decides its error. */
  private static boolean digits(String word) {
    return word.matches("[0-9]{1,9}");
  }
}
