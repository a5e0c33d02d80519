package dev.drover.cli;

import dev.drover.config.SettingsLoader;
import dev.drover.control.ClusterRunner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * The supervisor's entry point when {@code drover start -d} runs it in the background: what
 * {@code drover -C <project> -e <env> start} does, without the command-line parser. picocli's classes are
 * compiled for a class-file version that class data sharing cannot archive, so parsing these two fixed
 * arguments with it cost every detached start about 150 ms of the supervisor's boot.
 */
public final class Supervise {
  private Supervise() {
  }

  /** {@code <project directory> <environment> [--force]}. */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(run(args, System.getenv(), out, err));
  }

  static int run(String[] args, Map<String, String> environment, PrintWriter out, PrintWriter err) {
    boolean force = args.length == 3 && args[2].equals("--force");
    if (args.length != 2 && !force) {
      err.println("usage: " + Supervise.class.getName() + " <project directory> <environment> [--force]");
      return ExitCodes.USAGE;
    }
    try {
      return new ClusterRunner(new SettingsLoader(Path.of(args[0]), environment), args[1], out, force).run();
    } catch (Exception e) {
      return Main.report(e, false, err);
    } finally {
      out.flush();
      err.flush();
    }
  }
}
