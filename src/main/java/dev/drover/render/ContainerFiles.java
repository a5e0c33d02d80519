package dev.drover.render;

import dev.drover.config.Config;
import dev.drover.config.DroverException;
import dev.drover.config.SettingsLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes what {@link ContainerGenerator} renders: to standard output, a file, or for Kubernetes a folder of one
 * file per object. Nothing is overwritten without {@code force}, and every target is checked before the first
 * is written, so a refusal leaves the folder as it was.
 */
public final class ContainerFiles {
  static final String SECRET_FILE = "secret.yaml";

  private final Config config;
  private final String image;
  private final ContainerGenerator generator;

  public ContainerFiles(Config config, String image, int cores) {
    this.config = config;
    this.image = image;
    this.generator = new ContainerGenerator(cores);
  }

  public void compose(Path output, boolean force, PrintWriter out) throws IOException {
    String text = generator.compose(config, image);
    if (output == null) {
      out.print(text);
      return;
    }
    refuseExisting(List.of(output), force);
    Files.writeString(output, text, StandardCharsets.UTF_8);
    out.println("wrote " + output);
  }

  public void kubernetes(Path dir, boolean force, boolean withSecret, PrintWriter out) throws IOException {
    if (dir == null) {
      if (withSecret) {
        throw new DroverException("--secret writes DIR/" + SECRET_FILE + " (mode 0600), never to standard output: add -o DIR");
      }
      out.print(generator.kubernetesStream(config, image));
      return;
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new DroverException(dir + " is not a folder: generate kubernetes -o takes a folder for its files");
    }
    Map<String, String> files = new LinkedHashMap<>(generator.kubernetes(config, image));
    String secretText = null;
    if (withSecret) {
      Path secrets = config.settings().projectDir().resolve(SettingsLoader.SECRETS_FILE);
      if (!Files.isRegularFile(secrets)) {
        throw new DroverException("--secret: " + SettingsLoader.SECRETS_FILE + " not found in "
            + config.settings().projectDir() + " (drover init makes one)");
      }
      secretText = generator.kubernetesSecret(config, image, Files.readString(secrets, StandardCharsets.UTF_8));
    }
    List<Path> targets = new ArrayList<>();
    files.keySet().forEach(f -> targets.add(dir.resolve(f)));
    if (withSecret) {
      targets.add(dir.resolve(SECRET_FILE));
    }
    refuseExisting(targets, force);
    Files.createDirectories(dir);
    for (var e : files.entrySet()) {
      Files.writeString(dir.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
    }
    if (secretText != null) {
      writePrivate(dir.resolve(SECRET_FILE), secretText);
    }
    out.println("wrote " + files.size() + " files to " + dir + (withSecret ? " and the Secret to " + dir.resolve(SECRET_FILE)
        + " (mode 0600; keep it out of git)" : ""));
    if (!withSecret) {
      out.println("secrets: " + new KubernetesModel(config, image, ContainerGenerator.projectName(
          config.settings().projectDir())).createSecretCommand());
    }
  }

  private static void refuseExisting(List<Path> targets, boolean force) {
    if (force) {
      return;
    }
    List<String> existing = targets.stream().filter(Files::exists).map(Path::toString).toList();
    if (!existing.isEmpty()) {
      throw new DroverException(String.join(", ", existing) + (existing.size() == 1 ? " exists" : " exist")
          + "; use --force to overwrite");
    }
  }

  /** Created 0600 before any byte is written, so the secret is never readable by others, not even briefly. */
  private static void writePrivate(Path file, String text) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
  }
}
