package dev.drover.cli;

import dev.drover.config.Config;
import dev.drover.config.SettingsLoader;
import java.io.PrintWriter;
import java.util.Map;

/** What every command shares: the global options, the process environment and the output streams. */
final class Cli {
  final GlobalOptions options = new GlobalOptions();
  final Map<String, String> environment;
  final PrintWriter out;
  final PrintWriter err;

  Cli(Map<String, String> environment, PrintWriter out, PrintWriter err) {
    this.environment = Map.copyOf(environment);
    this.out = out;
    this.err = err;
  }

  SettingsLoader loader() {
    return new SettingsLoader(options.projectDir(), environment);
  }

  String env() {
    return SettingsLoader.activeEnv(options.env, environment);
  }

  /** Loads the active environment, printing its warnings; problems throw. */
  Config load() {
    return load(env());
  }

  Config load(String env) {
    Config config = loader().load(env);
    config.warnings().forEach(err::println);
    return config;
  }

  /** Loads the active environment to run it on this machine (see {@link SettingsLoader#loadToRun}). */
  Config loadToRun() {
    Config config = loader().loadToRun(env());
    config.warnings().forEach(err::println);
    return config;
  }
}
