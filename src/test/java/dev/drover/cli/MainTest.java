package dev.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drover.testing.TestProject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  private static final String SECRET = "0123456789abcdef-very-secret-0123456789";
  private static final String DB_PASSWORD = "pw-never-shown";

  @TempDir
  Path dir;

  record Run(int code, String out, String err) {
  }

  static Run drover(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  Run drover(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "-C";
    all[1] = dir.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return drover(Map.of(), all);
  }

  @BeforeEach
  void project() {
    TestProject.in(dir)
        .settings("""
            [default]
            app = "demo"
            [default.balancer]
            listen = "127.0.0.1:9000"
            [production.balancer]
            listen = "0.0.0.0:8000"
            """)
        .secrets("[default]\nsecret_key = \"" + SECRET + "\"\n[default.app_settings]\ndb_password = \""
            + DB_PASSWORD + "\"\n[production]\nsecret_key = \"prod-" + SECRET + "\"\n");
  }

  @Test
  void configShowMasksSecretsUnlessRevealed() {
    Run show = drover("config", "show");
    assertThat(show.code()).isZero();
    assertThat(show.out()).contains("listen = \"127.0.0.1:9000\"").contains("secret_key = \"********\"")
        .contains("db_password = \"********\"");
    Run revealed = drover("config", "show", "--reveal");
    assertThat(revealed.out()).contains("secret_key = \"" + SECRET + "\"");
  }

  @Test
  void configShowWithOriginsAndJson() throws Exception {
    Run origin = drover("-e", "production", "config", "show", "--origin");
    assertThat(origin.out()).containsPattern("listen = \"0\\.0\\.0\\.0:8000\" +# settings\\.toml:6")
        .containsPattern("timeout = \"30s\" +# built-in default");
    JsonNode json = new ObjectMapper().readTree(drover("config", "show", "--json", "--origin").out());
    assertThat(json.at("/env").asText()).isEqualTo("development");
    assertThat(json.at("/settings/balancer/listen").asText()).isEqualTo("127.0.0.1:9000");
    assertThat(json.at("/settings/cluster/workers").asText()).isEqualTo("auto");
    assertThat(json.at("/settings/balancer/max_concurrent").asInt()).isEqualTo(1000);
    assertThat(json.at("/settings/secret_key").asText()).isEqualTo("********");
    assertThat(json.at("/origins/secret_key").asText()).isEqualTo(".secrets.toml:2");
  }

  @Test
  void noCommandPrintsASecretUnlessRevealIsAsked() {
    List<String[]> commands = List.of(
        new String[] {"config", "show"}, new String[] {"config", "show", "--json"},
        new String[] {"config", "show", "--origin"}, new String[] {"config", "check"},
        new String[] {"config", "diff", "development", "production"},
        new String[] {"-e", "production", "config", "show", "--json", "--origin"});
    for (String[] args : commands) {
      Run run = drover(args);
      assertThat(run.code()).as(String.join(" ", args)).isZero();
      assertThat(run.out() + run.err()).as(String.join(" ", args)).doesNotContain(SECRET).doesNotContain(DB_PASSWORD);
    }
  }

  @Test
  void configCheckExitsZeroOrOneWithEveryProblem() {
    assertThat(drover("config", "check").code()).isZero();
    TestProject.in(dir).settings("[default.balancer]\nlisen = \"x\"\nmax_body = \"huge\"\n");
    Run bad = drover("config", "check");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err().lines()).containsExactly(
        "settings.toml:2:1 [default.balancer] unknown key 'lisen' (did you mean 'listen'?)",
        "settings.toml:3 [default.balancer].max_body must be a size such as \"512KB\" or \"10MB\", got \"huge\"");
    assertThat(bad.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void configDiffListsOnlyDifferingKeysSecretsMasked() {
    Run diff = drover("config", "diff", "development", "production");
    assertThat(diff.code()).isZero();
    assertThat(diff.out().lines()).hasSize(3);
    assertThat(diff.out()).contains("balancer.listen").contains("\"127.0.0.1:9000\"").contains("\"0.0.0.0:8000\"")
        .contains("secret_key").contains("\"********\"");
  }

  @Test
  void envVariableOverridesReachTheCommands() {
    Run show = drover(Map.of("DROVER_BALANCER__LISTEN", "127.0.0.1:7000", "DROVER_ENV", "production"),
        "-C", dir.toString(), "config", "show", "--origin");
    assertThat(show.out()).containsPattern("listen = \"127\\.0\\.0\\.1:7000\" +# env DROVER_BALANCER__LISTEN");
    assertThat(show.out()).contains("environment \"production\"");
  }

  @Test
  void secretPrintsAFreshHexToken() {
    Run a = drover("secret");
    Run b = drover("secret", "--bytes", "8");
    assertThat(a.out().strip()).matches("[0-9a-f]{48}");
    assertThat(b.out().strip()).matches("[0-9a-f]{16}");
    assertThat(drover("secret").out()).isNotEqualTo(a.out());
    Run bad = drover("secret", "--bytes", "0");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err().strip()).isEqualTo("drover: --bytes must be from 1 to 1024, got 0");
  }

  @Test
  void usageErrorsExitTwo() {
    Run run = drover("config", "frobnicate");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("Unmatched argument").contains("Try 'drover config --help'");
    assertThat(drover("scale", "many").code()).isEqualTo(2);
  }

  @Test
  void absurdLineCountsAreOneClearLine() {
    for (String lines : List.of("-5", "--lines=-5")) {
      Run run = lines.startsWith("--") ? drover("logs", lines) : drover("logs", "-n", lines);
      assertThat(run.code()).as(lines).isEqualTo(1);
      assertThat(run.err().strip()).as(lines).isEqualTo("drover: --lines must be 0 or more, got -5");
    }
  }

  @Test
  void missingProjectIsOneClearLine() {
    Run run = drover(Map.of(), "-C", dir.resolve("nowhere").toString(), "config", "check");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err().strip()).startsWith("settings.toml not found in ").doesNotContain("\n");
  }

  @Test
  void initMakesAProjectOnceAndNeverPrintsTheSecret() throws Exception {
    Path shop = dir.resolve("shop");
    Run init = drover(Map.of(), "-C", dir.toString(), "init", "shop");
    assertThat(init.code()).isZero();
    assertThat(init.out()).contains("created shop (template hello)").contains(".secrets.toml");
    String key = java.nio.file.Files.readString(shop.resolve(".secrets.toml"));
    assertThat(key).containsPattern("secret_key = \"[0-9a-f]{48}\"");
    Run show = drover(Map.of(), "-C", shop.toString(), "config", "show");
    assertThat(show.code()).isZero();
    assertThat(show.out()).contains("secret_key = \"********\"");
    assertThat(init.out() + show.out()).doesNotContainPattern("[0-9a-f]{48}");
    Run again = drover(Map.of(), "-C", dir.toString(), "init", "shop");
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).startsWith("drover: '" + shop + "' is not empty; use --force");
  }

  @Test
  void generateNeedsBasePortThenWritesAFileOnceWithoutSecrets() throws Exception {
    Run noPorts = drover("generate", "nginx");
    assertThat(noPorts.code()).isEqualTo(1);
    assertThat(noPorts.err().strip()).isEqualTo("cluster.base_port is 0 (free ports chosen at start), so a front cannot"
        + " address the workers: set base_port in [default.cluster] of settings.toml, e.g. base_port = 8001");
    TestProject.in(dir).settings("[default.cluster]\nbase_port = 8101\nworkers = 2\n");
    Path out = dir.resolve("nginx.conf");
    Run written = drover("generate", "nginx", "-o", out.toString());
    assertThat(written.code()).as(written.err()).isZero();
    assertThat(java.nio.file.Files.readString(out)).contains("127.0.0.1:8101").contains("127.0.0.1:8102")
        .doesNotContain(SECRET).doesNotContain(DB_PASSWORD);
    Run again = drover("generate", "nginx", "-o", out.toString());
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains("exists; use --force");
    assertThat(drover("generate", "systemd").out()).contains("Restart=on-failure").doesNotContain(SECRET);
    assertThat(drover("generate", "apache").err()).contains("unknown front 'apache'");
  }

  @Test
  void everyCommandHasHelp() {
    for (String cmd : List.of("init", "config", "generate", "secret", "start", "stop", "reload", "status", "scale", "logs")) {
      Run help = drover(Map.of(), cmd, "--help");
      assertThat(help.code()).as(cmd).isZero();
      assertThat(help.out()).as(cmd).startsWith("NAME\n  drover " + cmd + " - ").contains("SYNOPSIS\n  drover " + cmd);
    }
  }
}
