package dev.drover.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;

/**
 * Rotates one secret of a project's {@code .secrets.toml} in place: the file keeps its other keys, comments
 * and order, stays owner-only (0600) and is replaced in one atomic step, so neither a reader nor a crash ever
 * sees half a file. Only the {@code [default]} tables are touched.
 */
public final class SecretsFile {
  /** The secrets {@code drover secret --rotate} knows, by the names a user may type. */
  public static final List<String> ROTATABLE = List.of("secret_key", "balancer.admin_token", "admin_token");
  /** Retired session keys kept: enough for a rotation or two, not a growing list of old keys. */
  static final int MAX_FALLBACKS = 3;
  private static final Pattern TABLE = Pattern.compile("^\\s*\\[\\s*([A-Za-z0-9_.\"-]+)\\s*]\\s*(#.*)?$");

  private final Path file;

  public SecretsFile(Path projectDir) {
    this.file = projectDir.resolve(SettingsLoader.SECRETS_FILE);
  }

  /**
   * Puts {@code fresh} in place of the secret named {@code name}; rotating {@code secret_key} keeps the old
   * key first in {@code secret_key_fallbacks}, so sessions signed with it stay valid.
   *
   * @return the key's full path, e.g. {@code balancer.admin_token}
   */
  public String rotate(String name, Secret fresh) {
    if (!ROTATABLE.contains(name)) {
      throw new DroverException("drover secret --rotate takes secret_key or admin_token, got '" + name + "'");
    }
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new DroverException("no " + SettingsLoader.SECRETS_FILE + " in " + file.getParent()
          + " (drover init makes one)");
    }
    String path = name.equals("admin_token") ? "balancer.admin_token" : name;
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      TomlParseResult before = org.tomlj.Toml.parse(text);
      if (before.hasErrors()) {
        throw new DroverException(SettingsLoader.SECRETS_FILE + ":" + before.errors().get(0).position().line()
            + " is not valid TOML; fix it before rotating");
      }
      List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
      if (path.equals("secret_key")) {
        List<String> fallbacks = new ArrayList<>();
        String old = before.getString("default.secret_key");
        if (old != null && !old.isEmpty()) {
          fallbacks.add(old);
        }
        TomlArray kept = before.getArray("default.secret_key_fallbacks");
        for (int i = 0; kept != null && i < kept.size() && fallbacks.size() < MAX_FALLBACKS; i++) {
          fallbacks.add(String.valueOf(kept.get(i)));
        }
        set(lines, "default", "secret_key", Toml.quote(fresh.reveal()));
        set(lines, "default", "secret_key_fallbacks", list(fallbacks));
      } else {
        set(lines, "default.balancer", "admin_token", Toml.quote(fresh.reveal()));
      }
      String after = String.join("\n", lines);
      if (org.tomlj.Toml.parse(after).hasErrors()) {
        throw new DroverException("cannot rotate " + path + ": the way " + SettingsLoader.SECRETS_FILE
            + " sets it is not one this command can edit; change it by hand");
      }
      write(after);
    } catch (IOException e) {
      throw new DroverException("cannot rotate " + path + " in " + file + ": " + e.getMessage(), e);
    }
    return path;
  }

  private static String list(List<String> values) {
    List<String> quoted = values.stream().map(Toml::quote).toList();
    return "[" + String.join(", ", quoted) + "]";
  }

  /** Sets {@code key = value} in table {@code table}: on its line if there is one, else after the header, else in a new table. */
  static void set(List<String> lines, String table, String key, String value) {
    Pattern assignment = Pattern.compile("^\\s*" + Pattern.quote(key) + "\\s*=.*$");
    String current = "";
    int header = -1;
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = TABLE.matcher(lines.get(i));
      if (m.matches()) {
        current = m.group(1).replace("\"", "");
        if (current.equals(table)) {
          header = i;
        }
      } else if (current.equals(table) && assignment.matcher(lines.get(i)).matches()) {
        lines.set(i, key + " = " + value);
        return;
      }
    }
    if (header >= 0) {
      lines.add(header + 1, key + " = " + value);
      return;
    }
    int end = lines.size();
    while (end > 0 && lines.get(end - 1).isBlank()) {
      end--;
    }
    List<String> added = List.of("", "[" + table + "]", key + " = " + value, "");
    lines.subList(end, lines.size()).clear();
    lines.addAll(added);
  }

  private void write(String text) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = dir.resolve(SettingsLoader.SECRETS_FILE + ".rotate-" + ProcessHandle.current().pid());
    try {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException e) {
      Files.delete(tmp); // left by a crashed rotation of a process with our pid: ours to replace
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
