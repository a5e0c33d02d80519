import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;

/**
 * Turns the raw output of src/bench/run (one wrk output per test, target and round, plus extras.properties)
 * into results.md, results.json and chart.png. Run with Java's single-file launcher:
 * {@code java src/bench/Report.java RAW_DIR OUT_DIR}. JDK only, so the benchmark needs no extra dependency.
 */
public final class Report {

  static final List<String> TESTS = List.of("hello", "slow");
  static final List<String> TARGETS = List.of("direct", "drover", "nginx", "haproxy");
  static final Map<String, String> TEST_TITLES = Map.of(
      "hello", "GET /api/info, 64 connections",
      "slow", "GET /api/slow?ms=20, 200 connections");
  static final Map<String, String> TARGET_TITLES = Map.of(
      "direct", "one worker, direct", "drover", "drover", "nginx", "nginx", "haproxy", "HAProxy");
  static final Map<String, Color> COLORS = Map.of(
      "direct", new Color(0x9E9E9E), "drover", new Color(0x1565C0),
      "nginx", new Color(0x2E7D32), "haproxy", new Color(0xEF6C00));

  record Run(String test, String target, int round, double rps, long requests, double p50, double p99,
      long non2xx, long socketErrors, long frontTicks, long workerTicks) {}

  record Summary(String test, String target, double rpsMedian, double rpsMin, double rpsMax, double p50,
      double p99, long non2xx, long socketErrors, double frontCpuUs, double workerCpuUs) {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: java Report.java RAW_DIR OUT_DIR");
      System.exit(2);
    }
    Path raw = Path.of(args[0]);
    Path out = Path.of(args[1]);
    Map<String, String> extras = readExtras(raw.resolve("extras.properties"));
    double tick = 1_000_000.0 / Double.parseDouble(extras.getOrDefault("clk_tck", "100"));
    List<Run> runs = readRuns(raw);
    List<Summary> summaries = new ArrayList<>();
    for (String test : TESTS) {
      for (String target : TARGETS) {
        List<Run> rs = runs.stream().filter(r -> r.test.equals(test) && r.target.equals(target)).toList();
        if (!rs.isEmpty()) {
          summaries.add(summarize(test, target, rs, tick));
        }
      }
    }
    Files.createDirectories(out);
    Files.writeString(out.resolve("results.md"), markdown(summaries, extras));
    Files.writeString(out.resolve("results.json"), json(runs, summaries, extras));
    ImageIO.write(chart(summaries, extras), "png", out.resolve("chart.png").toFile());
  }

  static Map<String, String> readExtras(Path file) throws IOException {
    Map<String, String> map = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        map.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return map;
  }

  static final Pattern NAME = Pattern.compile("(\\w+)-(\\w+)-(\\d+)\\.txt");
  static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
  static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");
  static final Pattern SOCKET = Pattern.compile(
      "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
  static final Pattern NON2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
  static final Pattern TICKS = Pattern.compile("# bench front_ticks=(\\d+) workers_ticks=(\\d+)");

  static List<Run> readRuns(Path raw) throws IOException {
    List<Run> runs = new ArrayList<>();
    try (var files = Files.list(raw)) {
      for (Path file : files.sorted().toList()) {
        Matcher name = NAME.matcher(file.getFileName().toString());
        if (name.matches()) {
          runs.add(parse(name.group(1), name.group(2), Integer.parseInt(name.group(3)), Files.readString(file)));
        }
      }
    }
    return runs;
  }

  static Run parse(String test, String target, int round, String text) {
    Matcher rps = find(RPS, text, test + "-" + target + "-" + round);
    Matcher requests = find(REQUESTS, text, test + "-" + target + "-" + round);
    Matcher socket = SOCKET.matcher(text);
    long socketErrors = 0;
    if (socket.find()) {
      for (int g = 1; g <= 4; g++) {
        socketErrors += Long.parseLong(socket.group(g));
      }
    }
    Matcher non2xx = NON2XX.matcher(text);
    Matcher ticks = TICKS.matcher(text);
    boolean hasTicks = ticks.find();
    return new Run(test, target, round, Double.parseDouble(rps.group(1)), Long.parseLong(requests.group(1)),
        percentile(text, "50%"), percentile(text, "99%"), non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0,
        socketErrors, hasTicks ? Long.parseLong(ticks.group(1)) : 0, hasTicks ? Long.parseLong(ticks.group(2)) : 0);
  }

  static Matcher find(Pattern pattern, String text, String what) {
    Matcher m = pattern.matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("no '" + pattern + "' in the wrk output of " + what);
    }
    return m;
  }

  /** A line of wrk's "Latency Distribution", in milliseconds. */
  static double percentile(String text, String which) {
    Matcher m = Pattern.compile("^\\s+" + Pattern.quote(which) + "\\s+([\\d.]+)(us|ms|s)\\s*$", Pattern.MULTILINE)
        .matcher(text);
    if (!m.find()) {
      return Double.NaN;
    }
    double v = Double.parseDouble(m.group(1));
    return switch (m.group(2)) {
      case "us" -> v / 1000;
      case "s" -> v * 1000;
      default -> v;
    };
  }

  static Summary summarize(String test, String target, List<Run> rs, double tickUs) {
    long requests = rs.stream().mapToLong(Run::requests).sum();
    double front = target.equals("direct") ? Double.NaN
        : rs.stream().mapToLong(Run::frontTicks).sum() * tickUs / requests;
    double workers = rs.stream().mapToLong(Run::workerTicks).sum() * tickUs / requests;
    return new Summary(test, target, median(rs.stream().mapToDouble(Run::rps).toArray()),
        rs.stream().mapToDouble(Run::rps).min().orElseThrow(), rs.stream().mapToDouble(Run::rps).max().orElseThrow(),
        median(rs.stream().mapToDouble(Run::p50).toArray()), median(rs.stream().mapToDouble(Run::p99).toArray()),
        rs.stream().mapToLong(Run::non2xx).sum(), rs.stream().mapToLong(Run::socketErrors).sum(), front, workers);
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n == 0 ? Double.NaN : n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  static double[] numbers(Map<String, String> extras, String key) {
    String value = extras.getOrDefault(key, "");
    return value.isBlank() ? new double[0]
        : Arrays.stream(value.split(",")).mapToDouble(s -> Double.parseDouble(s.trim())).toArray();
  }

  static Summary find(List<Summary> summaries, String test, String target) {
    return summaries.stream().filter(s -> s.test.equals(test) && s.target.equals(target)).findFirst().orElse(null);
  }

  static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  static String thousands(double v) {
    return Double.isNaN(v) ? "–" : String.format(Locale.US, "%,.0f", v);
  }

  static String ms(double v) {
    return Double.isNaN(v) ? "–" : v < 10 ? f("%.2f", v) : f("%.1f", v);
  }

  static String us(double v) {
    return Double.isNaN(v) ? "–" : f("%.1f", v);
  }

  static String ratio(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "–" : f("%.2f×", a / b);
  }

  static String mb(double kb) {
    return f("%.1f MB", kb / 1024);
  }

  static String list(double[] v, String format) {
    return Arrays.stream(v).mapToObj(x -> f(format, x)).collect(Collectors.joining(", "));
  }

  static String machine(Map<String, String> e) {
    return f("%s cores (%s), %s GiB, Linux %s; %s; %s; %s; %s", e.get("cores"), e.get("cpu"), e.get("memory_gib"),
        e.get("kernel"), e.get("java"), e.get("nginx"), e.get("haproxy"), e.get("wrk"));
  }

  static String markdown(List<Summary> summaries, Map<String, String> e) {
    StringBuilder md = new StringBuilder();
    md.append("## drover, nginx and HAProxy in front of the same workers (one run)\n\n");
    md.append(f("%s, %s workers of the demo app, wrk -t2, %s rounds of %s s per target and test, targets "
        + "interleaved (order rotated each round) after a %s s warm-up; rate limits on, never triggering. "
        + "Machine: %s. It was shared with other work: compare rows of this run only.%n%n",
        e.get("date"), e.get("workers"), e.get("rounds"), e.get("seconds"), e.get("warmup"), machine(e)));
    md.append("| test | target | req/s median | min – max | p50 ms | p99 ms | non-2xx | socket errors "
        + "| front CPU µs/req | workers CPU µs/req |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Summary s : summaries) {
      md.append(f("| %s | %s | %s | %s – %s | %s | %s | %d | %d | %s | %s |%n", s.test, TARGET_TITLES.get(s.target),
          thousands(s.rpsMedian), thousands(s.rpsMin), thousands(s.rpsMax), ms(s.p50), ms(s.p99), s.non2xx,
          s.socketErrors, us(s.frontCpuUs), us(s.workerCpuUs)));
    }
    md.append("\nhello = `GET /api/info` at 64 connections; slow = `GET /api/slow?ms=20` at 200 connections "
        + "(at most 200 / 0.020 s = 10,000 req/s). CPU per request is utime+stime of the front's processes "
        + "(drover: the supervisor JVM; nginx: master and workers; HAProxy: its process) over the requests wrk "
        + "completed, summed over the rounds.\n\n");
    md.append("| test | drover/nginx req/s | drover/HAProxy req/s | drover/nginx p99 | drover/HAProxy p99 "
        + "| drover/nginx front CPU | drover/HAProxy front CPU |\n|---|---:|---:|---:|---:|---:|---:|\n");
    for (String test : TESTS) {
      Summary d = find(summaries, test, "drover");
      Summary n = find(summaries, test, "nginx");
      Summary h = find(summaries, test, "haproxy");
      if (d != null && n != null && h != null) {
        md.append(f("| %s | %s | %s | %s | %s | %s | %s |%n", test, ratio(d.rpsMedian, n.rpsMedian),
            ratio(d.rpsMedian, h.rpsMedian), ratio(d.p99, n.p99), ratio(d.p99, h.p99),
            ratio(d.frontCpuUs, n.frontCpuUs), ratio(d.frontCpuUs, h.frontCpuUs)));
      }
    }
    double[] start = numbers(e, "start_ms");
    double[] status = numbers(e, "status_ms");
    double[] pss = numbers(e, "worker_pss_kb");
    double[] rss = numbers(e, "worker_rss_kb");
    double[] rssStatus = numbers(e, "worker_rss_status_bytes");
    double[] pssAfter = numbers(e, "worker_pss_kb_after_load");
    double[] rssAfter = numbers(e, "worker_rss_kb_after_load");
    Summary hello = find(summaries, "hello", "drover");
    md.append("\n| figure | value |\n|---|---|\n");
    md.append(f("| `drover start -d` until all %s workers ready, first start of a new project | %.2f s |%n",
        e.get("workers"), Double.parseDouble(e.getOrDefault("start_first_ms", "NaN")) / 1000));
    md.append(f("| `drover start -d` until all %s workers ready, warm (median of 3) | %.2f s (%s) |%n",
        e.get("workers"), median(start) / 1000, list(Arrays.stream(start).map(x -> x / 1000).toArray(), "%.2f")));
    double[] phases = numbers(e, "start_phases_ms");
    if (phases.length == 3) {
      md.append(f("| the last warm start: first worker spawned, last ready, balancer listening | +%.0f, +%.0f, +%.0f ms |%n",
          phases[0], phases[1], phases[2]));
    }
    md.append(f("| `drover reload` (every worker replaced) | %.2f s |%n", Double.parseDouble(e.get("reload_ms")) / 1000));
    md.append(f("| idle worker PSS, median (each), after start | %s (%s) |%n", mb(median(pss)),
        list(Arrays.stream(pss).map(x -> x / 1024).toArray(), "%.1f")));
    md.append(f("| idle worker RSS, median: smaps_rollup / `status --json` | %s / %s |%n", mb(median(rss)),
        mb(median(rssStatus) / 1024)));
    md.append(f("| idle worker PSS / RSS, median, after the load | %s / %s |%n", mb(median(pssAfter)),
        mb(median(rssAfter))));
    md.append(f("| supervisor (balancer) PSS / RSS, after start | %s / %s |%n",
        mb(Double.parseDouble(e.get("supervisor_pss_kb"))), mb(Double.parseDouble(e.get("supervisor_rss_kb")))));
    md.append(f("| supervisor (balancer) PSS / RSS, after the load | %s / %s |%n",
        mb(Double.parseDouble(e.get("supervisor_pss_kb_after_load"))),
        mb(Double.parseDouble(e.get("supervisor_rss_kb_after_load")))));
    if (e.containsKey("nginx_pss_kb_after_load")) {
      double supervisorAfter = Double.parseDouble(e.get("supervisor_pss_kb_after_load"));
      md.append(f("| whole cluster PSS (supervisor + every worker), after the load | %s |%n",
          mb(supervisorAfter + Arrays.stream(pssAfter).sum())));
      md.append(f("| nginx PSS (master + workers) / HAProxy PSS, after the load | %s / %s |%n",
          mb(Double.parseDouble(e.get("nginx_pss_kb_after_load"))), mb(Double.parseDouble(e.get("haproxy_pss_kb_after_load")))));
    }
    if (e.containsKey("load_average")) {
      md.append(f("| load average at the end (1, 5, 15 min) | %s |%n", e.get("load_average")));
    }
    md.append(f("| `drover status --json` wall time, median of 10 (a CLI JVM each) | %.0f ms (%s) |%n", median(status),
        list(status, "%.0f")));
    if (hello != null) {
      md.append(f("| balancer CPU per request, hello | %s µs |%n", us(hello.frontCpuUs)));
    }
    return md.toString();
  }

  static String q(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(f("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  static String n(double v) {
    return Double.isNaN(v) ? "null" : f("%.3f", v);
  }

  static String json(List<Run> runs, List<Summary> summaries, Map<String, String> e) {
    StringBuilder j = new StringBuilder("{\n  \"extras\": {");
    j.append(e.entrySet().stream().map(x -> {
      String v = x.getValue();
      String key = x.getKey();
      boolean list = key.startsWith("worker_") || key.equals("start_ms") || key.equals("status_ms")
          || key.equals("start_phases_ms");
      String value = !v.matches("[0-9]+(,[0-9]+)*") ? q(v) : list ? "[" + v + "]" : v;
      return "\n    " + q(x.getKey()) + ": " + value;
    }).collect(Collectors.joining(",")));
    j.append("\n  },\n  \"runs\": [");
    j.append(runs.stream().map(r -> f("\n    {\"test\": %s, \"target\": %s, \"round\": %d, \"rps\": %s, "
        + "\"requests\": %d, \"p50_ms\": %s, \"p99_ms\": %s, \"non2xx\": %d, \"socket_errors\": %d, "
        + "\"front_cpu_ticks\": %d, \"workers_cpu_ticks\": %d}", q(r.test), q(r.target), r.round, n(r.rps),
        r.requests, n(r.p50), n(r.p99), r.non2xx, r.socketErrors, r.frontTicks, r.workerTicks))
        .collect(Collectors.joining(",")));
    j.append("\n  ],\n  \"summary\": [");
    j.append(summaries.stream().map(s -> f("\n    {\"test\": %s, \"target\": %s, \"rps_median\": %s, "
        + "\"rps_min\": %s, \"rps_max\": %s, \"p50_ms\": %s, \"p99_ms\": %s, \"non2xx\": %d, \"socket_errors\": %d, "
        + "\"front_cpu_us_per_request\": %s, \"workers_cpu_us_per_request\": %s}", q(s.test), q(s.target),
        n(s.rpsMedian), n(s.rpsMin), n(s.rpsMax), n(s.p50), n(s.p99), s.non2xx, s.socketErrors, n(s.frontCpuUs),
        n(s.workerCpuUs))).collect(Collectors.joining(",")));
    j.append("\n  ]\n}\n");
    return j.toString();
  }

  /** Two panels (one per test, each with its own scale), a bar per target with its min–max range. */
  static BufferedImage chart(List<Summary> summaries, Map<String, String> e) {
    int width = 1200;
    int height = 620;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
    g.drawString("Median req/s (bar) and min–max over rounds (line), higher is better", 30, 34);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    g.drawString(f("%s workers, wrk -t2, %s × %s s interleaved, %s cores, %s", e.get("workers"), e.get("rounds"),
        e.get("seconds"), e.get("cores"), e.get("date")), 30, 56);
    int panelWidth = (width - 60) / TESTS.size();
    for (int i = 0; i < TESTS.size(); i++) {
      panel(g, summaries, TESTS.get(i), 30 + i * panelWidth, 80, panelWidth - 30, height - 160);
    }
    int x = 30;
    int y = height - 30;
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
    for (String target : TARGETS) {
      g.setColor(COLORS.get(target));
      g.fillRect(x, y - 13, 16, 16);
      g.setColor(Color.BLACK);
      g.drawString(TARGET_TITLES.get(target), x + 22, y);
      x += 40 + g.getFontMetrics().stringWidth(TARGET_TITLES.get(target)) + 20;
    }
    g.dispose();
    return image;
  }

  static void panel(Graphics2D g, List<Summary> summaries, String test, int x0, int y0, int w, int h) {
    List<Summary> rows = TARGETS.stream().map(t -> find(summaries, test, t)).filter(s -> s != null).toList();
    double max = rows.stream().mapToDouble(Summary::rpsMax).max().orElse(1);
    double step = niceStep(max / 5);
    double top = Math.ceil(max / step) * step;
    int left = x0 + 70;
    int plotW = w - 70;
    int bottom = y0 + h - 10;
    int plotTop = y0 + 30;
    int plotH = bottom - plotTop;
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(test + ": " + TEST_TITLES.get(test), left, y0 + 12);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (double v = 0; v <= top + step / 2; v += step) {
      int y = bottom - (int) Math.round(v / top * plotH);
      g.setColor(new Color(0xE0E0E0));
      g.drawLine(left, y, left + plotW, y);
      g.setColor(Color.DARK_GRAY);
      String label = thousands(v);
      g.drawString(label, left - 8 - g.getFontMetrics().stringWidth(label), y + 4);
    }
    int slot = plotW / Math.max(1, rows.size());
    int barW = (int) (slot * 0.6);
    for (int i = 0; i < rows.size(); i++) {
      Summary s = rows.get(i);
      int cx = left + i * slot + slot / 2;
      int yMedian = bottom - (int) Math.round(s.rpsMedian / top * plotH);
      g.setColor(COLORS.get(s.target));
      g.fillRect(cx - barW / 2, yMedian, barW, bottom - yMedian);
      int yMin = bottom - (int) Math.round(s.rpsMin / top * plotH);
      int yMax = bottom - (int) Math.round(s.rpsMax / top * plotH);
      g.setColor(Color.BLACK);
      g.setStroke(new BasicStroke(2));
      g.drawLine(cx, yMin, cx, yMax);
      g.drawLine(cx - 8, yMin, cx + 8, yMin);
      g.drawLine(cx - 8, yMax, cx + 8, yMax);
      g.setStroke(new BasicStroke(1));
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
      String value = thousands(s.rpsMedian);
      g.drawString(value, cx - g.getFontMetrics().stringWidth(value) / 2, Math.min(yMax, yMedian) - 6);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
      String name = TARGET_TITLES.get(s.target);
      g.drawString(name, cx - g.getFontMetrics().stringWidth(name) / 2, bottom + 18);
    }
    g.setColor(Color.BLACK);
    g.drawLine(left, bottom, left + plotW, bottom);
    g.drawLine(left, plotTop, left, bottom);
  }

  static double niceStep(double raw) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1))));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * magnitude >= raw) {
        return m * magnitude;
      }
    }
    return 10 * magnitude;
  }
}
