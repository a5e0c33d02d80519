package dev.drover.render;

import dev.drover.config.DroverException;
import dev.drover.config.SecretGenerator;
import dev.drover.config.SettingsLoader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Makes a new project for {@code drover init}: a settings.toml that lists every setting, a private
 * .secrets.toml with a fresh {@code secret_key}, a .gitignore, and the files of a built-in template
 * ({@code hello}, {@code static}, {@code java}, or any folder under {@code templates/project/} with a
 * {@code drover-template.toml}). Refusals are {@link DroverException}s thrown before anything is written.
 */
public final class ProjectScaffold {
  static final String GITIGNORE = ".gitignore";

  /**
   * What {@link #create} did. {@code dir} is absolute; {@code written} and {@code kept} are relative to
   * it, in the order written. {@code kept} names an existing .secrets.toml left as it was.
   */
  public record InitResult(Path dir, List<Path> written, List<Path> kept) {
    public InitResult {
      written = List.copyOf(written);
      kept = List.copyOf(kept);
    }
  }

  private final TemplateSource source;
  private final SecretGenerator secrets;

  /** @param source finds the built-in templates; a project's own templates/ may override the rendered ones */
  public ProjectScaffold(TemplateSource source, SecretGenerator secrets) {
    this.source = source;
    this.secrets = secrets;
  }

  /**
   * Creates the project in {@code dir} (and its parents if missing) from the named template. Refuses an
   * unknown template, a {@code dir} that is a file, and a non-empty {@code dir} unless {@code force};
   * with {@code force} the project's files are overwritten except .secrets.toml, which is never touched.
   */
  public InitResult create(Path dir, String template, boolean force) {
    ProjectTemplate chosen = ProjectTemplate.find(source, template);
    Path root = dir.toAbsolutePath().normalize();
    refuseTarget(dir, root, force);
    String name = projectName(root);
    Map<String, byte[]> files = projectFiles(chosen, name);
    for (String rel : files.keySet()) {
      refuseBlocked(dir, root, rel);
    }

    List<Path> written = new ArrayList<>();
    List<Path> kept = new ArrayList<>();
    try {
      Files.createDirectories(root);
      for (var file : files.entrySet()) {
        Path path = root.resolve(file.getKey());
        Files.createDirectories(path.getParent());
        Files.write(path, file.getValue());
        written.add(Path.of(file.getKey()));
        if (file.getKey().equals(SettingsLoader.SETTINGS_FILE)) {
          // Right after settings.toml, so a listing of what init wrote reads in order of importance.
          (writeSecrets(root, name) ? written : kept).add(Path.of(SettingsLoader.SECRETS_FILE));
        }
      }
    } catch (IOException e) {
      throw new DroverException("cannot create the project in '" + dir + "': " + reason(e), e);
    }
    return new InitResult(root, written, kept);
  }

  private static void refuseTarget(Path dir, Path root, boolean force) {
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw new DroverException("'" + dir + "' is a file, not a directory");
    }
    if (Files.isDirectory(root) && !force && !isEmpty(root)) {
      throw new DroverException("'" + dir + "' is not empty; use --force to write the project into it"
          + " (.secrets.toml is never overwritten)");
    }
  }

  /** With --force, something already on disk may stand where a file or one of its folders must go. */
  private static void refuseBlocked(Path dir, Path root, String rel) {
    Path relative = Path.of(rel);
    for (int i = 1; i < relative.getNameCount(); i++) {
      Path folder = root.resolve(relative.subpath(0, i));
      if (Files.exists(folder) && !Files.isDirectory(folder)) {
        throw new DroverException("'" + dir.resolve(relative.subpath(0, i)) + "' is a file where the project needs a directory");
      }
    }
    if (Files.isDirectory(root.resolve(rel), LinkOption.NOFOLLOW_LINKS)) {
      throw new DroverException("'" + dir.resolve(rel) + "' is a directory where the project needs a file");
    }
  }

  /** Every file but .secrets.toml, relative path → bytes, in the order they are written. */
  private Map<String, byte[]> projectFiles(ProjectTemplate template, String name) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(SettingsLoader.SETTINGS_FILE, utf8(new SettingsFileWriter(name, template.values()).write()));
    files.put(GITIGNORE, utf8(gitignore(template)));
    Map<String, Object> model = Map.of("name", name, "artifactId", artifactId(name), "template", template.name());
    Renderer renderer = new Renderer(source);
    String folder = ProjectTemplate.FOLDER + "/" + template.name() + "/";
    for (var file : template.files().entrySet()) {
      String target = ProjectTemplate.target(file.getKey());
      if (files.containsKey(target) || target.equals(SettingsLoader.SECRETS_FILE)) {
        throw new IllegalStateException("template '" + template.name() + "' must not contain " + target + "; init makes it");
      }
      boolean rendered = !target.equals(file.getKey());
      files.put(target, rendered ? utf8(renderer.render(folder + file.getKey(), model)) : file.getValue());
    }
    return files;
  }

  private static String gitignore(ProjectTemplate template) {
    StringBuilder b = new StringBuilder("# Private to this checkout: the secrets, and the running cluster's pid file, socket and logs.\n")
        .append(SettingsLoader.SECRETS_FILE).append('\n')
        .append(".drover/\n");
    template.gitignore().forEach(line -> b.append(line).append('\n'));
    return b.toString();
  }

  /**
   * Writes a fresh .secrets.toml unless one exists. The file is created owner-only in one step, so the key
   * is never readable by others, not even for a moment. False when an existing file was kept.
   */
  private boolean writeSecrets(Path root, String name) throws IOException {
    Path path = root.resolve(SettingsLoader.SECRETS_FILE);
    if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    String text = "# Secrets of " + name + ": same shape as settings.toml and read on top of it.\n"
        + "# This file is not in git (see .gitignore) and only its owner may read it; every checkout or\n"
        + "# server makes its own.\n"
        + "[default]\n"
        + "secret_key = \"" + secrets.hex(SecretGenerator.DEFAULT_BYTES) + "\"\n"
        + "\n[default.balancer]\n"
        + "# Needed by the dashboard's actions (reload, scale, restart) on balancer.admin_listen.\n"
        + "admin_token = \"" + secrets.hex(SecretGenerator.DEFAULT_BYTES) + "\"\n";
    FileAttribute<?>[] ownerOnly = path.getFileSystem().supportedFileAttributeViews().contains("posix")
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
        : new FileAttribute<?>[0];
    try (SeekableByteChannel channel = Files.newByteChannel(path,
        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly)) {
      ByteBuffer bytes = ByteBuffer.wrap(utf8(text));
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
    } catch (FileAlreadyExistsException e) {
      return false; // made by someone else since the check: theirs is kept all the same
    }
    return true;
  }

  private static boolean isEmpty(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      throw new DroverException("cannot read '" + dir + "': " + reason(e), e);
    }
  }

  private static String projectName(Path root) {
    return root.getFileName() == null ? "app" : root.getFileName().toString();
  }

  /** A Maven artifactId made from the project name, which may hold characters Maven refuses. */
  static String artifactId(String name) {
    String id = name.replaceAll("[^A-Za-z0-9_.-]+", "-");
    return id.isEmpty() || id.startsWith(".") ? "app" : id;
  }

  private static String reason(IOException e) {
    if (e instanceof AccessDeniedException denied) {
      return "permission denied: " + denied.getFile();
    }
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getReason() + ": " + fs.getFile();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
