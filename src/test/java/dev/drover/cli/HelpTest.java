package dev.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command's help reads like a man page, and its summary is a whole sentence. */
class HelpTest {
  private static List<CommandLine> all(CommandLine cmd) {
    List<CommandLine> out = new ArrayList<>(List.of(cmd));
    cmd.getSubcommands().values().forEach(sub -> out.addAll(all(sub)));
    return out;
  }

  private static CommandLine root() {
    return Main.commandLine(new Cli(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())));
  }

  @Test
  void everyCommandsHelpHasTheSectionsOfAManPage() {
    for (CommandLine cmd : all(root())) {
      String help = cmd.getUsageMessage(CommandLine.Help.Ansi.OFF);
      String name = cmd.getCommandSpec().qualifiedName();
      assertThat(help).as(name).contains("NAME\n  " + name + " - ").contains("\nSYNOPSIS\n  " + name)
          .contains("\nDESCRIPTION\n").contains("\nOPTIONS\n").contains("\nEXIT STATUS\n  0 ok, 1 failed");
    }
  }

  @Test
  void everySummaryIsOneWholeSentence() {
    for (CommandLine cmd : all(root())) {
      String[] header = cmd.getCommandSpec().usageMessage().header();
      assertThat(header).as(cmd.getCommandSpec().qualifiedName()).hasSize(1);
      assertThat(header[0]).as(cmd.getCommandSpec().qualifiedName()).matches("[A-Z][^\\n]*[.]");
    }
    String help = MainTest.drover(Map.of(), "--help").out();
    assertThat(help).contains("  status      Show the cluster and one row per worker.")
        .contains("  init        Make a new project from a template.");
  }

  @Test
  void onlyTheCommandThatRunsIsBuiltAndHelpOrAnUnknownWordGetsThemAll() {
    assertThat(Main.subcommandOf(new String[] {"-C", "status", "-e", "prod", "status", "--json"})).isEqualTo("status");
    assertThat(Main.subcommandOf(new String[] {"--project=x", "-v", "stop"})).isEqualTo("stop");
    assertThat(Main.subcommandOf(new String[] {"--help", "status"})).isNull();
    assertThat(Main.subcommandOf(new String[] {"stauts"})).isNull();
    assertThat(Main.subcommandOf(new String[] {})).isNull();
    assertThat(Main.commandLine(new Cli(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())),
        "status").getSubcommands().keySet()).containsExactly("status");
    MainTest.Run typo = MainTest.drover(Map.of(), "stauts");
    assertThat(typo.code()).isEqualTo(2);
    assertThat(typo.err()).contains("Did you mean: drover start or drover status or drover stop?");
  }

  @Test
  void versionPrintsTheRelease() {
    assertThat(MainTest.drover(Map.of(), "--version").out()).matches("drover \\d+\\.\\d+\\.\\d+\\S* on Java \\S+\\s*");
  }

  @Test
  void completionPrintsABashScriptCoveringTheCommands() {
    String script = MainTest.drover(Map.of(), "completion").out();
    assertThat(script).contains("complete -F _complete_drover").contains("reload").contains("--dry-run");
  }
}
