package dev.drover.render;

import dev.drover.config.Settings;
import java.nio.file.Path;

/**
 * Renders what {@code drover generate} writes: an nginx or HAProxy front for a cluster whose workers listen
 * on fixed ports, or a systemd unit that runs the cluster. A project's own {@code templates/} overrides the
 * built-in templates by name.
 *
 * <p>Both fronts mirror the built-in balancer's protection as far as each can: the default rate limit per
 * client plus every {@code [[rate_limit.routes]]} rule that matches a request, body size, timeouts, TLS,
 * and a 404 for drover's internal {@code /_drover/} paths. No secret of the settings reaches a model, so no
 * secret can appear in a generated file; TLS files appear by path only.
 */
public final class FrontGenerator {
  private final Path projectDir;
  private final int cores;
  private final Path javaBinary;
  private final Path droverJar;
  private final Renderer renderer;

  /**
   * @param projectDir the project whose {@code templates/} may override the built-in ones; relative TLS
   *     paths are resolved against it and the systemd unit runs in it
   * @param cores the cores of the machine that will run the workers, for {@code workers = "auto"}
   * @param javaBinary the {@code java} the systemd unit starts
   * @param droverJar the drover jar the systemd unit starts
   */
  public FrontGenerator(Path projectDir, int cores, Path javaBinary, Path droverJar) {
    if (cores < 1) {
      throw new IllegalArgumentException("cores must be at least 1, got " + cores);
    }
    this.projectDir = projectDir.toAbsolutePath().normalize();
    this.cores = cores;
    this.javaBinary = javaBinary.toAbsolutePath().normalize();
    this.droverJar = droverJar.toAbsolutePath().normalize();
    this.renderer = new Renderer(new TemplateSource(this.projectDir));
  }

  /**
   * The text of the file for one front and environment.
   *
   * @throws dev.drover.config.ConfigException when the settings cannot be expressed by that front, such
   *     as nginx or HAProxy without {@code cluster.base_port}
   */
  public String render(Front front, Settings settings) {
    Object model = switch (front) {
      case NGINX -> NginxModel.of(settings, projectDir, WorkerAddresses.of(settings.cluster(), cores));
      case HAPROXY -> HaproxyModel.of(settings, projectDir, WorkerAddresses.of(settings.cluster(), cores));
      case SYSTEMD -> SystemdModel.of(settings, projectDir, javaBinary, droverJar);
    };
    return renderer.render(front.templateName(), model);
  }
}
