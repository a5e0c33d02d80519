package dev.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The quick reading of the control commands gives exactly what picocli's would, and leaves it everything else. */
class QuickLineTest {
  private static final Map<String, List<List<String>>> OPTIONS = Map.of(
      "start", List.of(List.of("-d"), List.of("--detach"), List.of("--force")),
      "stop", List.of(List.of("--timeout", "5s"), List.of("--timeout", "nonsense")),
      "status", List.of(List.of("--json")),
      "reload", List.of(List.of("--dry-run"), List.of("--force")),
      "scale", List.of(List.of("--force")),
      "logs", List.of(List.of("-f"), List.of("--lines", "7"), List.of("--reopen"), List.of("3")));
  private static final List<List<String>> GLOBALS = List.of(List.of(), List.of("-C", "some/dir"),
      List.of("--project", "/abs/dir"), List.of("-e", "production"), List.of("--env", "staging", "-v"),
      List.of("--verbose"));

  @Test
  void everyFormItReadsIsReadAsPicocliReadsIt() throws Exception {
    int compared = 0;
    for (var entry : OPTIONS.entrySet()) {
      String word = entry.getKey();
      for (List<String> before : GLOBALS) {
        for (List<String> after : GLOBALS) {
          if (!disjoint(before, after)) {
            continue;
          }
          for (List<List<String>> chosen : subsets(entry.getValue())) {
            List<String> args = new ArrayList<>(before);
            args.add(word);
            if (word.equals("scale")) {
              args.add("7");
            }
            chosen.forEach(args::addAll);
            args.addAll(after);
            assertSameAsPicocli(args.toArray(String[]::new));
            compared++;
          }
        }
      }
    }
    assertThat(compared).isGreaterThan(200);
  }

  @Test
  void everythingElseIsLeftToPicocli() {
    for (String line : List.of("", "--help", "-h", "start --help", "status -h", "-V", "--version", "start -d -d",
        "status --json --json", "-C a -C b status", "status --jsn", "status extra", "start -dv", "-Cdir status",
        "--project=dir status", "scale", "scale -3", "scale +3", "scale 1 2", "scale 9999999999", "stop --timeout",
        "stop --timeout -1s", "-C", "-e", "-C -e x status", "logs -n", "logs -n -5", "logs 1 2", "logs --follow -f", "init", "config check", "stop --json",
        "status --force", "start --dry-run", "-- status", "status --", "nonsense", "statuss", "STATUS")) {
      String[] args = line.isEmpty() ? new String[0] : line.split(" ");
      assertThat(QuickLine.parse(args, cli())).as(line).isNull();
    }
  }

  @Test
  void aCommandReadQuicklyFailsWithTheCodeAndMessageItHasThroughPicocli() {
    // "--timeout=soon" is picocli's alone to read: the same command, run both ways
    String[] quick = {"-C", "/nonexistent/project", "stop", "--timeout", "soon"};
    String[] slow = {"-C", "/nonexistent/project", "stop", "--timeout=soon"};
    assertThat(QuickLine.parse(quick, cli())).isNotNull();
    assertThat(QuickLine.parse(slow, cli())).isNull();
    String[] a = run(quick);
    String[] b = run(slow);
    assertThat(a[1]).startsWith("drover: --timeout must be");
    assertThat(a).containsExactly(b);
    assertThat(a[0]).isNotEqualTo("0");
  }

  private static String[] run(String[] args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
    return new String[] {String.valueOf(code), err.toString(), out.toString()};
  }

  private static void assertSameAsPicocli(String[] args) throws Exception {
    String line = String.join(" ", args);
    Cli quick = cli();
    Callable<Integer> read = QuickLine.parse(args, quick);
    assertThat(read).as(line).isNotNull();

    Cli slow = cli();
    CommandLine cmd = Main.commandLine(slow, Main.subcommandOf(args));
    CommandLine.ParseResult parsed = cmd.parseArgs(args);
    Object picocli = parsed.subcommand().commandSpec().userObject();

    assertThat(read.getClass()).as(line).isEqualTo(picocli.getClass());
    assertThat(fields(read)).as(line).isEqualTo(fields(picocli));
    assertThat(fields(quick.options)).as(line).isEqualTo(fields(slow.options));
  }

  /** The values of the fields picocli sets: those with an {@code @Option} or {@code @Parameters}. */
  private static Map<String, Object> fields(Object o) throws IllegalAccessException {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Field f : o.getClass().getDeclaredFields()) {
      if (f.isAnnotationPresent(CommandLine.Option.class) || f.isAnnotationPresent(CommandLine.Parameters.class)) {
        f.setAccessible(true);
        values.put(f.getName(), String.valueOf(f.get(o)));
      }
    }
    assertThat(values).as("fields of " + o.getClass().getSimpleName()).isNotEmpty();
    return values;
  }

  private static Cli cli() {
    return new Cli(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
  }

  private static boolean disjoint(List<String> a, List<String> b) {
    List<String> names = new ArrayList<>();
    for (List<String> l : List.of(a, b)) {
      for (String s : l) {
        if (s.startsWith("-")) {
          String n = s.equals("--project") ? "-C" : s.equals("--env") ? "-e" : s.equals("--verbose") ? "-v" : s;
          if (names.contains(n)) {
            return false;
          }
          names.add(n);
        }
      }
    }
    return true;
  }

  /** Every subset, in order and, for two or more options, reversed too. */
  private static List<List<List<String>>> subsets(List<List<String>> options) {
    List<List<List<String>>> all = new ArrayList<>();
    for (int mask = 0; mask < 1 << options.size(); mask++) {
      List<List<String>> pick = new ArrayList<>();
      for (int i = 0; i < options.size(); i++) {
        if ((mask & 1 << i) != 0) {
          pick.add(options.get(i));
        }
      }
      if (!conflicting(pick)) {
        all.add(pick);
        if (pick.size() > 1) {
          List<List<String>> reversed = new ArrayList<>(pick);
          java.util.Collections.reverse(reversed);
          all.add(reversed);
        }
      }
    }
    return all;
  }

  /** -d and --detach, or two --timeout, are one option given twice. */
  private static boolean conflicting(List<List<String>> pick) {
    List<String> names = new ArrayList<>();
    for (List<String> option : pick) {
      String n = option.get(0).equals("--detach") ? "-d" : option.get(0);
      if (names.contains(n)) {
        return true;
      }
      names.add(n);
    }
    return false;
  }
}
