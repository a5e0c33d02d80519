package dev.drover.cli;

import dev.drover.config.Config;
import dev.drover.config.DroverException;
import dev.drover.render.ContainerFiles;
import dev.drover.runtime.docker.ImageContext;
import dev.drover.render.Front;
import dev.drover.render.FrontGenerator;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "generate", mixinStandardHelpOptions = true,
    header = "Render a front, a service unit or container manifests from the settings.",
    description = {"Render a front or a service unit from the settings:",
        "  nginx    a complete nginx.conf (upstream workers, keep-alive, forwarded headers, limit_req, TLS)",
        "  haproxy  an haproxy.cfg with the same limits as stick-table rules",
        "  systemd  a unit running drover start in the foreground with Restart=on-failure",
        "  compose     a docker-compose file running the worker image (drover image build)",
        "  kubernetes  ConfigMap, Deployment, Service, PodDisruptionBudget [, HPA, Ingress]; -o DIR writes one file each",
        "nginx and haproxy need cluster.base_port set, so the workers have known ports.",
        "No secret is written, except by kubernetes --secret, into DIR/secret.yaml (mode 0600)."})
final class GenerateCommand implements Callable<Integer> {
  private final Cli cli;

  @Parameters(index = "0", paramLabel = "WHAT", description = "nginx, haproxy, systemd, compose or kubernetes")
  String front;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE|DIR",
      description = "Write to FILE (a folder DIR for kubernetes) instead of standard output.")
  Path output;

  @Option(names = "--force", description = "Overwrite existing files.")
  boolean force;

  @Option(names = "--image", paramLabel = "IMAGE",
      description = "Image for compose and kubernetes; default docker.image, else the tag drover image build gives.")
  String image;

  @Option(names = "--secret", description = "kubernetes: also write the Secret from .secrets.toml to DIR/secret.yaml (0600).")
  boolean secret;

  GenerateCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() throws IOException {
    String word = front == null ? "" : front.trim().toLowerCase(java.util.Locale.ROOT);
    if (word.equals("compose") || word.equals("kubernetes")) {
      Config config = cli.load();
      ContainerFiles files = new ContainerFiles(config, imageFor(config), Runtime.getRuntime().availableProcessors());
      if (word.equals("compose")) {
        files.compose(output, force, cli.out);
      } else {
        files.kubernetes(output, force, secret, cli.out);
      }
      return ExitCodes.OK;
    }
    if (secret) {
      throw new DroverException("--secret is for generate kubernetes only");
    }
    Front which = Front.parse(front);
    String text = new FrontGenerator(cli.options.projectDir(), Runtime.getRuntime().availableProcessors(),
        Path.of(System.getProperty("java.home"), "bin", "java"), droverJar()).render(which, cli.load().settings());
    if (output == null) {
      cli.out.print(text);
      return ExitCodes.OK;
    }
    if (Files.exists(output) && !force) {
      throw new DroverException(output + " exists; use --force to overwrite it");
    }
    Files.writeString(output, text);
    cli.out.println("wrote " + output);
    return ExitCodes.OK;
  }

  private String imageFor(Config config) {
    if (image != null && !image.isBlank()) {
      return image.trim();
    }
    String configured = config.settings().docker().image();
    return configured.isEmpty() ? ImageContext.of(config.settings(), droverJar()).defaultTag() : configured;
  }

  /** The jar this drover runs from (a classes folder when run from a build). */
  static Path droverJar() {
    try {
      return Path.of(GenerateCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      return Path.of("drover.jar");
    }
  }
}
