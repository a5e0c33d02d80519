package dev.drover.cli;

import dev.drover.config.Config;
import dev.drover.runtime.docker.DockerConnection;
import dev.drover.runtime.docker.ImageBuilder;
import dev.drover.runtime.docker.ImageContext;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code drover image build}. */
@Command(name = "image", mixinStandardHelpOptions = true, header = "Build the project's worker image.",
    description = "Build the project's worker image for the docker runtime, compose and Kubernetes.")
final class ImageCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  private ImageCommand() {
  }

  static CommandLine commandLine(Cli cli) {
    CommandLine cmd = new CommandLine(new ImageCommand());
    cmd.addSubcommand(new Build(cli));
    return cmd;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return ExitCodes.USAGE;
  }

  @Command(name = "build", mixinStandardHelpOptions = true,
      header = "Build the worker image through the Docker Engine API.",
      description = {"Build the worker image through the Docker Engine API (DOCKER_HOST, else the local socket):",
          "docker.base_image, then drover's jar, then the app's app_classpath, each its own layer.",
          "Default tag: <project>:<hash of that content>, the image the docker runtime, compose and",
          "kubernetes run when docker.image is empty."})
  static final class Build implements Callable<Integer> {
    private final Cli cli;

    @Option(names = "--tag", paramLabel = "TAG", description = "Tag the image TAG instead of the default.")
    String tag;

    Build(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      Config config = cli.load();
      ImageContext context = ImageContext.of(config.settings(), GenerateCommand.droverJar());
      String name = tag == null || tag.isBlank() ? context.defaultTag() : tag.trim();
      try (DockerConnection docker = DockerConnection.open()) {
        new ImageBuilder(docker, line -> {
          cli.out.println(line);
          cli.out.flush();
        }).build(context, name, config.settings().docker().baseImage());
      }
      return ExitCodes.OK;
    }
  }
}
