package dev.drover.cli;

import dev.drover.config.SecretGenerator;
import dev.drover.render.ProjectScaffold;
import dev.drover.render.TemplateSource;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "init", mixinStandardHelpOptions = true, header = "Make a new project from a template.",
    description = {"Make a project: settings.toml listing every setting, a .secrets.toml (0600) with a fresh",
        "secret_key, .gitignore and a README. Refuses a non-empty DIR without --force; never",
        "overwrites an existing .secrets.toml."})
final class InitCommand implements Callable<Integer> {
  private final Cli cli;

  @Parameters(index = "0", paramLabel = "DIR", description = "The project directory to create.")
  Path dir;

  @Option(names = "--template", paramLabel = "NAME", defaultValue = "hello",
      description = "hello (built-in demo app), static (serves public/) or java (a Maven app). Default: ${DEFAULT-VALUE}.")
  String template;

  @Option(names = "--force", description = "Write into a non-empty DIR, overwriting all but .secrets.toml.")
  boolean force;

  InitCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    Path target = dir.isAbsolute() ? dir : cli.options.projectDir().resolve(dir);
    var result = new ProjectScaffold(new TemplateSource(null), new SecretGenerator(new SecureRandom()))
        .create(target, template, force);
    cli.out.println("created " + dir + " (template " + template + "): "
        + String.join(", ", result.written().stream().map(Path::toString).toList()));
    result.kept().forEach(p -> cli.out.println("kept existing " + p + " (never overwritten)"));
    // The java template's app is source until it is built: start would refuse its missing class.
    String build = template.equals("java") ? "mvn -q package && " : "";
    cli.out.println("next: cd " + dir + " && " + build + "drover start");
    return ExitCodes.OK;
  }
}
