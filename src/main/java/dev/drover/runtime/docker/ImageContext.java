package dev.drover.runtime.docker;

import dev.drover.config.ConfigException;
import dev.drover.config.ImageLayout;
import dev.drover.config.Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The build context of a project's worker image: a Dockerfile and the files it copies, in three layers so an
 * app change rebuilds only the last: the base image (a Java runtime), drover's jar, then the app's classpath
 * entries (and the static root) at their paths relative to the project. The default tag is the project's
 * name and a hash of this content, so the same project gives the same tag and any change a new one.
 */
public final class ImageContext {
  private static final String JAR_ENTRY = "drover.jar";
  private static final String APP_DIR = "app/";

  private final String projectName;
  private final String dockerfile;
  /** Context path → file on disk, sorted so the tar and the hash do not depend on directory order. */
  private final TreeMap<String, Path> files;

  private ImageContext(String projectName, String dockerfile, TreeMap<String, Path> files) {
    this.projectName = projectName;
    this.dockerfile = dockerfile;
    this.files = files;
  }

  /** The context for the project of these settings, with this drover jar. */
  public static ImageContext of(Settings settings, Path droverJar) {
    if (!Files.isRegularFile(droverJar)) {
      throw new ConfigException("drover's jar is not a file (" + droverJar + "): an image can only be built from"
          + " the packaged jar, java -jar drover.jar image build");
    }
    Path project = settings.projectDir().toAbsolutePath().normalize();
    TreeMap<String, Path> files = new TreeMap<>();
    files.put(JAR_ENTRY, droverJar);
    List<String> appPaths = new ArrayList<>(settings.appClasspath());
    if (settings.app().equals("static")) {
      appPaths.add(settings.staticRoot());
    }
    for (String entry : appPaths) {
      Path p = project.resolve(entry).normalize();
      if (!p.startsWith(project) || Path.of(entry).isAbsolute()) {
        throw new ConfigException("app_classpath entry \"" + entry + "\" is outside the project: an image holds"
            + " only the project's own files; copy it into the project and name it relative to it");
      }
      if (!Files.exists(p)) {
        throw new ConfigException("app_classpath entry \"" + entry + "\" does not exist in " + project
            + " (build the app first)");
      }
      addTree(files, project, p);
    }
    String name = ImageLayout.projectName(project);
    return new ImageContext(name, dockerfile(settings.docker().baseImage(), name), files);
  }

  private static void addTree(TreeMap<String, Path> files, Path project, Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(Files::isRegularFile)
          .forEach(f -> files.put(APP_DIR + project.relativize(f).toString().replace('\\', '/'), f));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String dockerfile(String baseImage, String name) {
    // Three COPY layers, slowest-changing first: the base, drover, then the app.
    return "FROM " + baseImage + "\n"
        + "COPY " + JAR_ENTRY + " " + ImageLayout.DROVER_JAR + "\n"
        + "COPY " + APP_DIR + " " + ImageLayout.PROJECT_DIR + "/\n"
        + "WORKDIR " + ImageLayout.PROJECT_DIR + "\n"
        // A base made FROM scratch has no locale; without one Java writes UTF-8 output as '?'.
        + "ENV LANG=C.UTF-8\n"
        + "LABEL " + DockerLabels.PROJECT + "=\"" + name + "\"\n"
        + "CMD " + jsonArray(ImageLayout.startCommand()) + "\n";
  }

  private static String jsonArray(List<String> words) {
    StringBuilder b = new StringBuilder("[");
    for (String w : words) {
      b.append(b.length() > 1 ? ", " : "").append('"').append(w.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
    return b.append(']').toString();
  }

  /** {@code <project>:<12 hex digits of the content's hash>}. */
  public String defaultTag() {
    return projectName + ":" + contentHash().substring(0, 12);
  }

  public String projectName() {
    return projectName;
  }

  String contentHash() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(dockerfile.getBytes(StandardCharsets.UTF_8));
      for (var e : files.entrySet()) {
        sha.update((e.getKey() + "\0").getBytes(StandardCharsets.UTF_8));
        try (var in = Files.newInputStream(e.getValue())) {
          byte[] buf = new byte[1 << 16];
          for (int n; (n = in.read(buf)) > 0; ) {
            sha.update(buf, 0, n);
          }
        }
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Writes the context as a tar: fixed times and owners, so the build cache reuses a layer whose files did not
   * change. The app folder always exists and holds {@code .secrets.toml} pointing at the mounted secret.
   */
  void writeTar(OutputStream out) throws IOException {
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      put(tar, "Dockerfile", dockerfile.getBytes(StandardCharsets.UTF_8));
      TarArchiveEntry dir = new TarArchiveEntry(APP_DIR);
      dir.setModTime(0);
      dir.setMode(040755);
      tar.putArchiveEntry(dir);
      tar.closeArchiveEntry();
      TarArchiveEntry link = new TarArchiveEntry(APP_DIR + ".secrets.toml", TarArchiveEntry.LF_SYMLINK);
      link.setLinkName(ImageLayout.SECRETS_FILE);
      link.setModTime(0);
      tar.putArchiveEntry(link);
      tar.closeArchiveEntry();
      for (var e : files.entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
        entry.setSize(Files.size(e.getValue()));
        entry.setModTime(0);
        entry.setMode(0100644);
        tar.putArchiveEntry(entry);
        Files.copy(e.getValue(), tar);
        tar.closeArchiveEntry();
      }
      tar.finish();
    }
  }

  private static void put(TarArchiveOutputStream tar, String name, byte[] bytes) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(bytes.length);
    entry.setModTime(0);
    entry.setMode(0100644);
    tar.putArchiveEntry(entry);
    tar.write(bytes);
    tar.closeArchiveEntry();
  }

  /** The whole context in memory, for tests. */
  byte[] tarBytes() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeTar(out);
    return out.toByteArray();
  }
}
