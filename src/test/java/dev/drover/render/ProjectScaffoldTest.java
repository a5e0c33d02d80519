package dev.drover.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.drover.config.Config;
import dev.drover.config.DroverException;
import dev.drover.config.Entry;
import dev.drover.config.Key;
import dev.drover.config.RouteRule;
import dev.drover.config.Schema;
import dev.drover.config.SecretGenerator;
import dev.drover.config.SettingsLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProjectScaffoldTest {
  private static final Pattern SECRET_LINE = Pattern.compile("(?m)^secret_key = \"([0-9a-f]*)\"$");
  private static final Pattern HEADER = Pattern.compile("^\\[([\\w.]+)]$");
  private static final Pattern ASSIGNMENT = Pattern.compile("^(?:# )?(\\w+) = .*$");
  private static final Pattern ARRAY_HEADER = Pattern.compile("^# \\[\\[([\\w.]+)]]$");
  /** A commented-out line of TOML: a key, or a table header alone on its line. */
  private static final Pattern COMMENTED_TOML = Pattern.compile("^# (\\w+ = .*|\\[\\[?[\\w.]+]]?)$");

  /** The keys each template sets in [default], with the value they are loaded as. */
  private static final Map<String, Map<String, Object>> TEMPLATE_KEYS = Map.of(
      "hello", Map.of("app", "demo"),
      "static", Map.of("app", "static", "static.root", "public"),
      "java", Map.of("app", "example.HelloHandler", "app_classpath", List.of("target/classes"),
          "app_settings.greeting", "Hello from drover"));

  @TempDir
  Path tmp;

  private final ProjectScaffold scaffold = new ProjectScaffold(new TemplateSource(null), new SecretGenerator(new SecureRandom()));

  @ParameterizedTest
  @ValueSource(strings = {"hello", "static", "java"})
  void writesTheProjectFilesOfEachTemplate(String template) throws IOException {
    Path dir = tmp.resolve("shop");

    ProjectScaffold.InitResult result = scaffold.create(dir, template, false);

    List<Path> common = Stream.of("settings.toml", ".secrets.toml", ".gitignore", "README.md").map(Path::of).toList();
    List<Path> own = switch (template) {
      case "static" -> List.of(Path.of("public/index.html"));
      case "java" -> List.of(Path.of("pom.xml"), Path.of("src/main/java/example/HelloHandler.java"));
      default -> List.of();
    };
    assertThat(result.dir()).isEqualTo(dir.toAbsolutePath());
    assertThat(result.written()).startsWith(common.toArray(Path[]::new));
    assertThat(result.written()).containsExactlyInAnyOrderElementsOf(Stream.concat(common.stream(), own.stream()).toList());
    assertThat(result.kept()).isEmpty();
    assertThat(filesUnder(dir)).containsExactlyInAnyOrderElementsOf(result.written());

    assertThat(Files.readString(dir.resolve("README.md"))).startsWith("# shop\n").doesNotContain("{{");
    List<String> ignored = Files.readAllLines(dir.resolve(".gitignore"));
    assertThat(ignored).contains(".secrets.toml", ".drover/");
    assertThat(ignored.contains("target/")).isEqualTo(template.equals("java"));
    if (template.equals("java")) {
      assertThat(Files.readString(dir.resolve("pom.xml")))
          .contains("<groupId>example</groupId>", "<artifactId>shop</artifactId>", "<version>2.3.18.Final</version>",
              "<scope>provided</scope>", "<maven.compiler.release>17</maven.compiler.release>");
    }
  }

  @Test
  void secretsFileIsOwnerOnlyAndHoldsAFreshKey() throws IOException {
    Path first = tmp.resolve("a");
    Path second = tmp.resolve("b");
    scaffold.create(first, "hello", false);
    scaffold.create(second, "hello", false);

    for (Path dir : List.of(first, second)) {
      Path secrets = dir.resolve(".secrets.toml");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets))).isEqualTo("rw-------");
      assertThat(secretKey(dir)).matches("[0-9a-f]{48}");
      assertThat(Files.readString(secrets)).contains("[default]", "not in git");
      Config config = new SettingsLoader(dir, Map.of()).load("development");
      assertThat(config.settings().secretKey().reveal()).isEqualTo(secretKey(dir));
      assertThat(config.settings().adminToken().reveal()).matches("[0-9a-f]{48}")
          .isNotEqualTo(secretKey(dir));
      assertThat(config.settings().secrets()).as("the admin token is not the app's").doesNotContainKey("balancer.admin_token");
      assertThat(config.warnings()).isEmpty();
    }
    assertThat(secretKey(first)).isNotEqualTo(secretKey(second));
  }

  @Test
  void refusesAnUnknownTemplateAndWritesNothing() {
    Path dir = tmp.resolve("shop");

    assertThatThrownBy(() -> scaffold.create(dir, "rails", false))
        .isInstanceOf(DroverException.class)
        .hasMessage("unknown template 'rails' (templates: hello, java, static)");
    assertThat(dir).doesNotExist();
  }

  @Test
  void refusesANonEmptyDirectoryWithoutForce() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("shop"));
    Files.writeString(dir.resolve("notes.txt"), "mine");

    assertThatThrownBy(() -> scaffold.create(dir, "hello", false))
        .isInstanceOf(DroverException.class)
        .hasMessage("'" + dir + "' is not empty; use --force to write the project into it (.secrets.toml is never overwritten)");
    assertThat(filesUnder(dir)).containsExactly(Path.of("notes.txt"));
  }

  @Test
  void refusesAFile() throws IOException {
    Path file = Files.writeString(tmp.resolve("shop"), "mine");

    for (boolean force : List.of(false, true)) {
      assertThatThrownBy(() -> scaffold.create(file, "hello", force))
          .isInstanceOf(DroverException.class)
          .hasMessage("'" + file + "' is a file, not a directory");
    }
    assertThat(Files.readString(file)).isEqualTo("mine");
  }

  @Test
  void refusesWhenAFileStandsWhereTheTemplateNeedsADirectory() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("site"));
    Files.writeString(dir.resolve("public"), "mine");

    assertThatThrownBy(() -> scaffold.create(dir, "static", true))
        .isInstanceOf(DroverException.class)
        .hasMessage("'" + dir.resolve("public") + "' is a file where the project needs a directory");
    assertThat(filesUnder(dir)).containsExactly(Path.of("public"));
  }

  @Test
  void emptyExistingDirectoryAndMissingParentsAreFine() throws IOException {
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    Path nested = tmp.resolve("x/y/z");

    assertThat(scaffold.create(empty, "hello", false).written()).contains(Path.of("settings.toml"));
    assertThat(scaffold.create(nested, "hello", false).written()).contains(Path.of("settings.toml"));
    assertThat(nested.resolve("settings.toml")).isRegularFile();
  }

  @Test
  void forceOverwritesTheProjectFilesButKeepsTheSecrets() throws IOException {
    Path dir = tmp.resolve("shop");
    scaffold.create(dir, "hello", false);
    String generated = Files.readString(dir.resolve("settings.toml"));
    Files.writeString(dir.resolve("settings.toml"), "[default]\napp = \"static\"\n");
    Files.writeString(dir.resolve("notes.txt"), "mine");
    byte[] secrets = Files.readAllBytes(dir.resolve(".secrets.toml"));

    ProjectScaffold.InitResult result = scaffold.create(dir, "hello", true);

    assertThat(result.kept()).containsExactly(Path.of(".secrets.toml"));
    assertThat(result.written()).doesNotContain(Path.of(".secrets.toml")).contains(Path.of("settings.toml"));
    assertThat(Files.readString(dir.resolve("settings.toml"))).isEqualTo(generated);
    assertThat(Files.readAllBytes(dir.resolve(".secrets.toml"))).isEqualTo(secrets);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(".secrets.toml")))).isEqualTo("rw-------");
    assertThat(Files.readString(dir.resolve("notes.txt"))).isEqualTo("mine");
  }

  @ParameterizedTest
  @ValueSource(strings = {"hello", "static", "java"})
  void settingsLoadAsTheDefaultsPlusTheTemplatesKeys(String template) throws IOException {
    Path dir = tmp.resolve("shop");
    scaffold.create(dir, template, false);
    SettingsLoader loader = new SettingsLoader(dir, Map.of());

    assertThat(loader.environments()).containsExactly("development", "production");
    Config development = loader.load("development");
    assertThat(development.warnings()).isEmpty();
    assertThat(fromSettingsFile(development)).isEqualTo(TEMPLATE_KEYS.get(template));
    assertDefaultsExcept(development, TEMPLATE_KEYS.get(template).keySet());

    Config production = loader.load("production");
    Map<String, Object> expected = new HashMap<>(TEMPLATE_KEYS.get(template));
    expected.put("log_level", "INFO");
    expected.put("balancer.listen", Schema.key("balancer.listen").orElseThrow().type().fromText("0.0.0.0:8000"));
    assertThat(fromSettingsFile(production)).isEqualTo(expected);
    assertThat(production.settings().balancer().listen().toString()).isEqualTo("0.0.0.0:8000");
  }

  @ParameterizedTest
  @ValueSource(strings = {"hello", "static", "java"})
  void defaultTableNamesEverySettingUnderItsOwnHeader(String template) throws IOException {
    Path dir = tmp.resolve("shop");
    scaffold.create(dir, template, false);

    Set<String> written = new HashSet<>();
    String table = "";
    for (String line : Files.readAllLines(dir.resolve("settings.toml"))) {
      Matcher header = HEADER.matcher(line);
      Matcher assignment = ASSIGNMENT.matcher(line);
      Matcher array = ARRAY_HEADER.matcher(line);
      if (header.matches()) {
        table = header.group(1);
      } else if (assignment.matches()) {
        written.add(table + "." + assignment.group(1));
      } else if (array.matches()) {
        written.add(array.group(1));
      }
    }
    for (Key key : Schema.keys()) {
      assertThat(written).as("settings.toml lists " + key.path()).contains("default." + key.path());
    }
    String text = Files.readString(dir.resolve("settings.toml"));
    assertThat(text).contains("# workers = \"auto\"", "# \"auto\" (cores*2+1) or a count", "DROVER_ENV", ".secrets.toml",
        "DROVER_SECTION__KEY", "[default.app_settings]", "[[default.balancer.rate_limit.routes]]");
  }

  /** Uncommenting every commented line of [default] changes no value but adds the two examples. */
  @ParameterizedTest
  @ValueSource(strings = {"hello", "static", "java"})
  void uncommentedDefaultsAreTheBuiltInDefaults(String template) throws IOException {
    Path dir = tmp.resolve("shop");
    scaffold.create(dir, template, false);
    Path settings = dir.resolve("settings.toml");
    StringBuilder uncommented = new StringBuilder();
    boolean inDefault = false;
    int changed = 0;
    for (String line : Files.readAllLines(settings)) {
      Matcher header = HEADER.matcher(line);
      if (header.matches()) {
        inDefault = header.group(1).startsWith("default");
      }
      if (inDefault && COMMENTED_TOML.matcher(line).matches()) {
        line = line.substring(2);
        changed++;
      }
      uncommented.append(line).append('\n');
    }
    Files.writeString(settings, uncommented);
    assertThat(changed).isGreaterThan(Schema.keys().size() - TEMPLATE_KEYS.get(template).size());

    Config config = new SettingsLoader(dir, Map.of()).load("development");

    Set<String> changedKeys = new HashSet<>(TEMPLATE_KEYS.get(template).keySet());
    changedKeys.add("balancer.rate_limit.routes");
    assertDefaultsExcept(config, changedKeys);
    assertThat(config.settings().balancer().rateLimit().routes()).singleElement()
        .extracting(RouteRule::path, RouteRule::method, r -> r.limit().toString())
        .containsExactly("/login", "POST", "10/second");
    if (!template.equals("java")) {
      assertThat(config.settings().appSettings()).containsOnlyKeys("greeting");
    }
  }

  @Test
  void artifactIdIsMadeOfCharactersMavenAccepts() {
    assertThat(ProjectScaffold.artifactId("shop")).isEqualTo("shop");
    assertThat(ProjectScaffold.artifactId("my shop!")).isEqualTo("my-shop-");
    assertThat(ProjectScaffold.artifactId(".hidden")).isEqualTo("app");
  }

  /** Every built-in setting, except the named ones and the secrets init makes, is loaded with its default value. */
  private static void assertDefaultsExcept(Config config, Set<String> except) {
    for (Key key : Schema.keys()) {
      if (!except.contains(key.path()) && !key.path().equals("secret_key") && !key.path().equals("balancer.admin_token")) {
        assertThat(config.entries().get(key.path()).value()).as(key.path()).isEqualTo(key.defaultValue());
      }
    }
  }

  /** The settings whose value comes from settings.toml, path → value. */
  private static Map<String, Object> fromSettingsFile(Config config) {
    return config.entries().values().stream()
        .filter(e -> e.origin().source().equals(SettingsLoader.SETTINGS_FILE))
        .collect(Collectors.toMap(e -> e.key().path(), Entry::value));
  }

  private static String secretKey(Path dir) throws IOException {
    Matcher m = SECRET_LINE.matcher(Files.readString(dir.resolve(".secrets.toml")));
    assertThat(m.find()).as("secret_key line in .secrets.toml").isTrue();
    return m.group(1);
  }

  private static List<Path> filesUnder(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).map(dir::relativize).toList();
    }
  }
}
