package dev.drover.render;

import dev.drover.config.DroverException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Finds templates: a project's own {@code templates/NAME} first, else the built-in one packed in the jar
 * under {@code templates/}. Names use forward slashes ({@code nginx.conf.mustache},
 * {@code project/hello/README.md}).
 */
public final class TemplateSource {
  static final String BUILT_IN = "templates/";
  private final Path projectTemplates;

  /** @param projectDir the project whose {@code templates/} folder may override built-in templates; null for none */
  public TemplateSource(Path projectDir) {
    this.projectTemplates = projectDir == null ? null : projectDir.resolve("templates");
  }

  /** The text of a template, from the project if it has one of that name, else built in. */
  public String read(String name) {
    try {
      if (projectTemplates != null) {
        Path own = projectTemplates.resolve(name);
        if (Files.isRegularFile(own)) {
          return Files.readString(own);
        }
      }
      try (InputStream in = TemplateSource.class.getClassLoader().getResourceAsStream(BUILT_IN + name)) {
        if (in == null) {
          throw new DroverException("no template named '" + name + "' (built in or under templates/)");
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The files of a built-in template folder such as {@code project/hello}, as paths relative to it, with
   * their bytes. Works both from the jar and from an unpacked classes directory.
   */
  public Map<String, byte[]> builtInTree(String folder) {
    URL url = TemplateSource.class.getClassLoader().getResource(BUILT_IN + folder);
    if (url == null) {
      throw new DroverException("no built-in template folder '" + folder + "'");
    }
    try {
      URI uri = url.toURI();
      if (uri.getScheme().equals("jar")) {
        try (FileSystem fs = FileSystems.newFileSystem(uri, Map.of())) {
          return readTree(fs.provider().getPath(uri));
        } catch (FileSystemAlreadyExistsException e) {
          // Opened elsewhere in this JVM: read through it, and leave closing to its opener.
          return readTree(FileSystems.getFileSystem(uri).provider().getPath(uri));
        }
      }
      return readTree(Path.of(uri));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, byte[]> readTree(Path root) throws IOException {
    Map<String, byte[]> files = new java.util.TreeMap<>();
    List<Path> paths = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(Files::isRegularFile).forEach(paths::add);
    }
    for (Path p : paths) {
      files.put(root.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
    }
    return files;
  }
}
