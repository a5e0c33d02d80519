package dev.drover.cli;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The everyday forms of the control commands, read without picocli: {@code start [-d] [--force]},
 * {@code stop [--timeout D]}, {@code status [--json]}, {@code reload [--dry-run] [--force]},
 * {@code scale N [--force]}, {@code logs [ID] [-f] [-n N] [--reopen]}, with the global {@code -C DIR},
 * {@code -e NAME} and {@code -v} before or after the command's name. picocli reads every annotation of a command by reflection before it parses a word, which is
 * about 150 ms of a status that should take a fifth of a second. Anything else (help, a typo, {@code --opt=value},
 * a repeated option, a command not listed here) is left to picocli, which also owns every error message; so
 * this reads only what picocli would read the same way, which QuickLineTest proves form by form.
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
      if (name != null && VALUED.contains(name)) {
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

  /** Options that take the next word as their value. */
  private static final Set<String> VALUED = Set.of("-C", "-e", "--timeout", "-n");

  /**
   * One command being read: what each of its options and its word, if it takes one, set on the command object.
   * A value or word it returns false for (a sign, a huge number) is left to picocli, whose reading decides its
   * error.
   */
  private record Command(Callable<Integer> command, Map<String, Runnable> flags, Map<String, Predicate<String>> values,
      Predicate<String> word, BooleanSupplier complete) {

    static Command named(String word, Cli cli) {
      switch (word) {
        case "start" -> {
          StartCommand c = new StartCommand(cli);
          return of(c, Map.of("-d", () -> c.detach = true, "--force", () -> c.force = true));
        }
        case "stop" -> {
          StopCommand c = new StopCommand(cli);
          return new Command(c, Map.of(), Map.of("--timeout", v -> {
            c.timeout = v;
            return true;
          }), w -> false, () -> true);
        }
        case "status" -> {
          StatusCommand c = new StatusCommand(cli);
          return of(c, Map.of("--json", () -> c.json = true));
        }
        case "reload" -> {
          ReloadCommand c = new ReloadCommand(cli);
          return of(c, Map.of("--dry-run", () -> c.dryRun = true, "--force", () -> c.force = true));
        }
        case "scale" -> {
          ScaleCommand c = new ScaleCommand(cli);
          boolean[] counted = {false};
          return new Command(c, Map.of("--force", () -> c.force = true), Map.of(), w -> {
            if (counted[0] || !digits(w)) {
              return false;
            }
            c.workers = Integer.parseInt(w);
            counted[0] = true;
            return true;
          }, () -> counted[0]);
        }
        case "logs" -> {
          LogsCommand c = new LogsCommand(cli);
          return new Command(c, Map.of("-f", () -> c.follow = true, "--reopen", () -> c.reopen = true),
              Map.of("-n", v -> {
                if (!digits(v)) {
                  return false;
                }
                c.lines = Integer.parseInt(v);
                return true;
              }), w -> {
                if (c.worker != null || !digits(w)) {
                  return false;
                }
                c.worker = Integer.parseInt(w);
                return true;
              }, () -> true);
        }
        default -> {
          return null;
        }
      }
    }

    /** A command of flags alone. */
    private static Command of(Callable<Integer> command, Map<String, Runnable> flags) {
      return new Command(command, flags, Map.of(), w -> false, () -> true);
    }

    boolean flag(String name) {
      Runnable set = flags.get(name);
      if (set != null) {
        set.run();
      }
      return set != null;
    }

    boolean value(String name, String value) {
      Predicate<String> set = values.get(name);
      return set != null && set.test(value);
    }

    boolean argument(String w) {
      return word.test(w);
    }

    /** The command to run, or null when a required word is missing. */
    Callable<Integer> ready() {
      return complete.getAsBoolean() ? command : null;
    }
  }

  /** Plain digits only: picocli's own reading of anything else (a sign, a huge number) decides its error. */
  private static boolean digits(String word) {
    return word.matches("[0-9]{1,9}");
  }
}
