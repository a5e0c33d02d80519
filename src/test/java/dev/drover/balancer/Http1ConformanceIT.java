package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drover.testing.Peers;
import dev.drover.testing.Ports;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 9112 message rules and request smuggling: the same raw requests go to drover's balancer and, for
 * reference, to the real nginx, both in front of one worker stand-in that records every head byte for byte.
 *
 * <p>For every case: nothing a client framed itself (a smuggled request, a header injected through a bare CR)
 * reaches the worker; a refused request reaches it not at all; drover answers what the case says; and drover
 * refuses nothing nginx forwards, and forwards nothing nginx refuses, unless the case says why they differ.
 */
class Http1ConformanceIT {
  private static final long MAX_BODY = 1024;
  private static final Duration ANSWER_WAIT = Duration.ofSeconds(3);
  /** How long a client waits for {@code 100 Continue} before it sends the body anyway, as curl does. */
  private static final Duration CONTINUE_WAIT = Duration.ofMillis(1500);

  @TempDir
  Path dir;

  /** How a front answered one case. */
  record Outcome(List<Integer> statuses, List<String> bodies, boolean closed, List<RecordingBackend.Request> forwarded) {
    int first() {
      for (int s : statuses) {
        if (s >= 200 || s < 0) {
          return s;
        }
      }
      return statuses.isEmpty() ? -1 : statuses.get(statuses.size() - 1);
    }

    /** Answered by the front itself without the worker: 4xx, 501, or a closed connection; 502-504 are gateway errors. */
    boolean refused() {
      int s = first();
      return s >= 400 && s < 500 || s == 501 || s == -1;
    }

    @Override
    public String toString() {
      return statuses + (closed ? " closed" : "") + " fwd=" + forwarded.size();
    }
  }

  /**
   * One exchange: {@code request} is sent whole, or with {@code Expect: 100-continue} its head first and
   * {@code body} once an interim or final answer came. {@code drover} are the first final statuses drover may
   * give, {@code answers} how many final answers to read at most, {@code differs} why nginx may decide otherwise.
   */
  record Case(String name, String request, String body, boolean expectContinue, Set<Integer> drover, int answers,
      boolean mustClose, String differs) {
  }

  private static Case ok(String name, String request) {
    return new Case(name, request, "", false, Set.of(200), 1, false, null);
  }

  private static Case refused(String name, String request, Integer... statuses) {
    return new Case(name, request, "", false, Set.of(statuses), 1, true, null);
  }

  private static Case differs(Case c, String why) {
    return new Case(c.name, c.request, c.body, c.expectContinue, c.drover, c.answers, c.mustClose, why);
  }

  private static Case answers(Case c, int n) {
    return new Case(c.name, c.request, c.body, c.expectContinue, c.drover, n, c.mustClose, c.differs);
  }

  private static Case keepsOpen(Case c) {
    return new Case(c.name, c.request, c.body, c.expectContinue, c.drover, c.answers, false, c.differs);
  }

  private static Case closes(Case c) {
    return new Case(c.name, c.request, c.body, c.expectContinue, c.drover, c.answers, true, c.differs);
  }

  private static Case continued(String name, String head, String body, Integer... statuses) {
    return new Case(name, head, body, true, Set.of(statuses), 1, false, null);
  }

  private static final String H = "Host: a.example\r\n";
  private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\n" + H + "\r\n";

  static List<Case> cases() {
    String big = "x".repeat(2048);
    List<Case> cases = new ArrayList<>();
    cases.add(ok("plain GET", "GET / HTTP/1.1\r\n" + H + "\r\n"));
    cases.add(ok("HTTP/1.0 without Host (HAProxy's health check)", "GET / HTTP/1.0\r\n\r\n"));
    cases.add(refused("HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n", 400));
    cases.add(refused("two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400));
    cases.add(ok("absolute-form target", "GET http://a.example/abs?q=1 HTTP/1.1\r\nHost: b.example\r\n\r\n"));
    cases.add(refused("Content-Length and Transfer-Encoding",
        "POST / HTTP/1.1\r\n" + H + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED, 400));
    cases.add(refused("Transfer-Encoding and Content-Length",
        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n0\r\n\r\n" + SMUGGLED, 400));
    cases.add(refused("two different Content-Length",
        "POST / HTTP/1.1\r\n" + H + "Content-Length: 3\r\nContent-Length: 40\r\n\r\nabc" + SMUGGLED, 400));
    cases.add(refused("two equal Content-Length",
        "POST / HTTP/1.1\r\n" + H + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400));
    cases.add(refused("Content-Length list", "POST / HTTP/1.1\r\n" + H + "Content-Length: 3, 3\r\n\r\nabc", 400));
    cases.add(refused("Content-Length with a sign", "POST / HTTP/1.1\r\n" + H + "Content-Length: +3\r\n\r\nabc", 400));
    cases.add(refused("Content-Length in hex", "POST / HTTP/1.1\r\n" + H + "Content-Length: 0x3\r\n\r\nabc", 400));
    cases.add(refused("negative Content-Length", "POST / HTTP/1.1\r\n" + H + "Content-Length: -1\r\n\r\nabc", 400));
    cases.add(refused("Content-Length of 30 digits",
        "POST / HTTP/1.1\r\n" + H + "Content-Length: 123456789012345678901234567890\r\n\r\nabc", 400, 413));
    cases.add(refused("Transfer-Encoding xchunked",
        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", 400, 501));
    cases.add(refused("Transfer-Encoding gzip, chunked",
        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 400, 501));
    cases.add(refused("Transfer-Encoding chunked, identity",
        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", 400, 501));
    cases.add(refused("two Transfer-Encoding fields",
        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, 501));
    cases.add(refused("space before the colon of Transfer-Encoding",
        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding : chunked\r\nContent-Length: 3\r\n\r\nabc", 400));
    cases.add(refused("Transfer-Encoding in HTTP/1.0",
        "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, 501));
    cases.add(ok("Transfer-Encoding Chunked in capitals",
        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"));
    cases.add(refused("chunk size not hex",
        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400));
    cases.add(refused("chunk size overflowing 64 bits",
        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n10000000000000003\r\nabc\r\n0\r\n\r\n", 400, 413));
    cases.add(refused("bare CR inside a header value",
        "GET / HTTP/1.1\r\n" + H + "X-A: a\rX-Injected: 1\r\n\r\n", 400));
    cases.add(refused("bare CR inside the request line",
        "GET / HTTP/1.1\rX-Injected: 1\r\n" + H + "\r\n", 400));
    cases.add(ok("bare LF line endings", "GET / HTTP/1.1\n" + H.replace("\r", "") + "X-A: a\n\n"));
    cases.add(refused("obs-fold continuation line", "GET / HTTP/1.1\r\n" + H + "X-A: a\r\n b\r\n\r\n", 400));
    cases.add(refused("whitespace before the first field", "GET / HTTP/1.1\r\n Host: a\r\n" + H + "\r\n", 400));
    cases.add(refused("NUL in a header value", "GET / HTTP/1.1\r\n" + H + "X-A: a\0b\r\n\r\n", 400));
    cases.add(refused("NUL in a header name", "GET / HTTP/1.1\r\n" + H + "X-\0A: b\r\n\r\n", 400));
    cases.add(differs(refused("control byte in a header value", "GET / HTTP/1.1\r\n" + H + "X-A: a\u0001b\r\n\r\n", 400),
        "nginx passes it on; RFC 9110 section 5.5 makes a field value with control characters invalid"));
    cases.add(refused("control byte in a header name", "GET / HTTP/1.1\r\n" + H + "X-\u0001A: b\r\n\r\n", 400));
    cases.add(refused("space inside a header name", "GET / HTTP/1.1\r\n" + H + "X A: b\r\n\r\n", 400));
    cases.add(refused("space before a colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400));
    cases.add(refused("empty header name", "GET / HTTP/1.1\r\n" + H + ": b\r\n\r\n", 400));
    cases.add(ok("300 short header fields", "GET / HTTP/1.1\r\n" + H + HeadScannerTest.fields(300) + "\r\n"));
    cases.add(answers(ok("pipelined GETs", "GET /1 HTTP/1.1\r\n" + H + "\r\nGET /2 HTTP/1.1\r\n" + H + "\r\n"), 2));
    cases.add(answers(ok("HEAD then GET, pipelined", "HEAD / HTTP/1.1\r\n" + H + "\r\nGET /2 HTTP/1.1\r\n" + H + "\r\n"), 2));
    cases.add(answers(new Case("204 then GET", "GET /204 HTTP/1.1\r\n" + H + "\r\nGET /2 HTTP/1.1\r\n" + H + "\r\n", "",
        false, Set.of(204), 2, false, null), 2));
    cases.add(answers(new Case("304 then GET", "GET /304 HTTP/1.1\r\n" + H + "\r\nGET /2 HTTP/1.1\r\n" + H + "\r\n", "",
        false, Set.of(304), 2, false, null), 2));
    cases.add(differs(new Case("103 from the worker before its answer, then a GET",
        "GET /early HTTP/1.1\r\n" + H + "\r\nGET /2 HTTP/1.1\r\n" + H + "\r\n", "", false, Set.of(502, 200), 2, false, null),
        "Undertow's client takes a 103 for the final answer; drover closes that worker connection and answers 502"
            + " rather than leave the real answer for the next request, where nginx 1.22 hangs"));
    cases.add(closes(ok("client's Connection: close", "GET / HTTP/1.1\r\n" + H + "Connection: close\r\n\r\n")));
    cases.add(closes(ok("HTTP/1.0 closes by default", "GET / HTTP/1.0\r\n" + H + "\r\n")));
    cases.add(answers(ok("worker's Connection: close, client keeps its connection",
        "GET /close HTTP/1.1\r\n" + H + "\r\nGET /2 HTTP/1.1\r\n" + H + "\r\n"), 2));
    cases.add(continued("Expect: 100-continue",
        "POST / HTTP/1.1\r\n" + H + "Content-Length: 5\r\nExpect: 100-continue\r\n\r\n", "hello", 200));
    cases.add(continued("Expect: 100-continue, chunked",
        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n", "5\r\nhello\r\n0\r\n\r\n", 200));
    cases.add(closes(continued("Expect: 100-continue over max_body",
        "POST / HTTP/1.1\r\n" + H + "Content-Length: 2048\r\nExpect: 100-continue\r\n\r\n", big, 413)));
    cases.add(differs(refused("a 9 KB header", "GET / HTTP/1.1\r\n" + H + "X-Big: " + "y".repeat(9 * 1024) + "\r\n\r\n", 431),
        "nginx answers 400 (\"Request Header Or Cookie Too Large\"); 431 is the status RFC 6585 made for it"));
    cases.add(differs(refused("a 70 KB header", "GET / HTTP/1.1\r\n" + H + "X-Big: " + "y".repeat(70 * 1024) + "\r\n\r\n", 431),
        "nginx answers 400 (\"Request Header Or Cookie Too Large\"); 431 is the status RFC 6585 made for it"));
    cases.add(differs(refused("a 9 KB target", "GET /" + "u".repeat(9 * 1024) + " HTTP/1.1\r\n" + H + "\r\n", 431, 414),
        "nginx answers 414; both refuse"));
    cases.add(refused("Content-Length over max_body",
        "POST / HTTP/1.1\r\n" + H + "Content-Length: 2048\r\n\r\n" + big, 413));
    cases.add(refused("chunked body over max_body, small chunks",
        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n" + "100\r\n" + "z".repeat(256) + "\r\n"
            + ("100\r\n" + "z".repeat(256) + "\r\n").repeat(7) + "0\r\n\r\n", 413));
    cases.add(refused("chunked body over max_body, one chunk",
        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n800\r\n" + big + "\r\n0\r\n\r\n", 413));
    cases.add(ok("X-Request-Id with markup", "GET / HTTP/1.1\r\n" + H + "X-Request-Id: <script>alert(1)</script>\r\n\r\n"));
    cases.add(ok("X-Request-Id of 200 characters", "GET / HTTP/1.1\r\n" + H + "X-Request-Id: " + "r".repeat(200) + "\r\n\r\n"));
    return cases;
  }

  /** On both paths: the fast one, which hands what it does not take to the Undertow one, and the Undertow one alone. */
  @ParameterizedTest(name = "fast_path = {0}")
  @ValueSource(booleans = {true, false})
  void droverIsNeverLessSafeThanNginxNorStricterWhereNginxIsRight(boolean fastPath) throws Exception {
    Path nginxBinary = Peers.require("nginx", "nginx-light");
    try (RecordingBackend backend = new RecordingBackend()) {
      Balancer balancer = new Balancer(TestSettings.balancer().maxBody(MAX_BODY + "B").fastPath(fastPath).build(),
          (id, reason) -> { });
      balancer.admit("w", backend.uri());
      balancer.start();
      Process nginx = null;
      try {
        int nginxPort = Ports.free();
        nginx = startNginx(nginxBinary, nginxPort, backend.port());
        InetSocketAddress nginxAt = new InetSocketAddress("127.0.0.1", nginxPort);
        awaitListening(nginx, nginxAt);
        List<String> failures = new ArrayList<>();
        StringBuilder table = new StringBuilder("\ncase | drover | nginx\n");
        for (Case c : cases()) {
          Outcome d = run(c, balancer.boundAddress(), backend);
          Outcome n = run(c, nginxAt, backend);
          table.append(c.name).append(" | ").append(d).append(" | ").append(n).append('\n');
          check(c, d, n, failures);
        }
        System.out.println(table);
        assertThat(failures).as(table.toString()).isEmpty();
      } finally {
        balancer.stop(Duration.ofSeconds(2));
        if (nginx != null) {
          List<ProcessHandle> children = nginx.descendants().toList();
          nginx.destroy();
          if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
            nginx.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          }
          children.forEach(ProcessHandle::destroyForcibly);
        }
      }
    }
  }

  private static void check(Case c, Outcome d, Outcome n, List<String> failures) {
    for (var e : List.of(java.util.Map.entry("drover", d), java.util.Map.entry("nginx", n))) {
      Outcome o = e.getValue();
      for (RecordingBackend.Request r : o.forwarded) {
        if (r.requestLine().contains("/smuggled")) {
          failures.add(c.name + ": a smuggled request reached the worker through " + e.getKey());
        }
        for (String line : r.lenientLines()) {
          if (line.toLowerCase(Locale.ROOT).startsWith("x-injected")) {
            failures.add(c.name + ": an injected header reached the worker through " + e.getKey() + ": " + r.head());
          }
        }
      }
    }
    if (d.refused() && !d.forwarded.isEmpty()) {
      failures.add(c.name + ": drover refused with " + d.first() + " but the worker got " + d.forwarded);
    }
    if (!c.drover.contains(d.first())) {
      failures.add(c.name + ": drover answered " + d + ", expected " + c.drover);
    }
    long finals = d.statuses.stream().filter(s -> s >= 200).count();
    if (!d.refused() && finals != c.answers) {
      failures.add(c.name + ": drover gave " + finals + " answers, expected " + c.answers + " " + d);
    }
    if (c.answers == 2 && d.bodies.size() >= 2 && d.statuses.get(d.statuses.size() - 1) == 200
        && !d.bodies.get(d.bodies.size() - 1).contains(" /2 ")) {
      failures.add(c.name + ": the second answer is not the second request's: " + d.bodies);
    }
    if (c.name.startsWith("X-Request-Id")) {
      String sent = c.request.substring(c.request.indexOf("X-Request-Id: ") + 14, c.request.indexOf("\r\n\r\n"));
      for (RecordingBackend.Request r : d.forwarded) {
        String id = r.field("X-Request-Id");
        if (id == null || id.equals(sent) || !RequestIdHandler.sane(id)) {
          failures.add(c.name + ": the worker got X-Request-Id " + id + " from drover");
        }
      }
    }
    if (c.mustClose && !d.closed) {
      failures.add(c.name + ": drover kept the connection open after " + d);
    }
    if (c.expectContinue && !d.refused() && !d.statuses.isEmpty() && d.statuses.get(0) != 100) {
      failures.add(c.name + ": drover sent no 100 Continue: " + d);
    }
    if (c.differs == null && d.refused() != n.refused()) {
      // drover less safe (forwarding what nginx refuses) or stricter (refusing what nginx forwards)
      failures.add(c.name + ": drover " + (d.refused() ? "refused" : "forwarded") + " (" + d + ") where nginx "
          + (n.refused() ? "refused" : "forwarded") + " (" + n + ")");
    }
  }

  private static Outcome run(Case c, InetSocketAddress target, RecordingBackend backend) throws IOException {
    int before = backend.requests.size();
    List<Integer> statuses = new ArrayList<>();
    List<String> bodies = new ArrayList<>();
    boolean closed = false;
    try (Socket s = new Socket()) {
      s.connect(target, 5_000);
      s.setSoTimeout((int) ANSWER_WAIT.toMillis());
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      out.write(c.request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      List<Boolean> heads = new ArrayList<>();
      for (String part : c.request.split("(?=(GET|HEAD|POST) /)")) {
        heads.add(part.startsWith("HEAD "));
      }
      int finals = 0;
      int request = 0;
      boolean bodySent = !c.expectContinue;
      if (c.expectContinue) {
        s.setSoTimeout((int) CONTINUE_WAIT.toMillis());
      }
      while (finals < c.answers) {
        String[] answer;
        try {
          answer = readAnswer(in, request < heads.size() && heads.get(request));
        } catch (SocketTimeoutException e) {
          if (bodySent) {
            statuses.add(-2); // nothing came
            break;
          }
          // no interim answer: send the body anyway, as curl does after a second
          statuses.add(0);
          bodySent = true;
          s.setSoTimeout((int) ANSWER_WAIT.toMillis());
          out.write(c.body.getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
          continue;
        }
        if (answer == null) {
          closed = true;
          if (!bodySent) {
            statuses.add(-1);
          }
          break;
        }
        int status = Integer.parseInt(answer[0]);
        statuses.add(status);
        bodies.add(answer[1]);
        if (!bodySent) {
          bodySent = true;
          s.setSoTimeout((int) ANSWER_WAIT.toMillis());
          if (status == 100) {
            try {
              out.write(c.body.getBytes(StandardCharsets.ISO_8859_1));
              out.flush();
            } catch (IOException e) {
              // the server closed; what it answered is read below
            }
          }
        }
        if (status >= 200) {
          finals++;
          request++;
          if (status >= 400 && status < 500) {
            break;
          }
        }
      }
      if (statuses.isEmpty()) {
        statuses.add(-1);
      }
      if (!closed) {
        closed = closedWithin(s, in, Duration.ofMillis(c.mustClose || statuses.get(statuses.size() - 1) >= 400 ? 2_000 : 200));
      }
    }
    // a front may still be forwarding when its answer is read; refused requests must never arrive at all
    awaitQuiet(backend);
    return new Outcome(statuses, bodies, closed, List.copyOf(backend.requests.subList(before, backend.requests.size())));
  }

  private static void awaitQuiet(RecordingBackend backend) {
    int seen = -1;
    long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
    while (System.nanoTime() < deadline) {
      int now = backend.requests.size();
      if (now == seen) {
        return;
      }
      seen = now;
      try {
        Thread.sleep(50); // polling the recorder until it stops changing, not a synchronization
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static boolean closedWithin(Socket s, InputStream in, Duration wait) throws IOException {
    s.setSoTimeout((int) wait.toMillis());
    try {
      while (in.read() != -1) {
        // whatever was still coming
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  /** Status and body of the next answer, null when the connection closed (or reset, or stalled) before one. */
  private static String[] readAnswer(InputStream in, boolean headRequest) throws SocketTimeoutException {
    try {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b == -1) {
          return null;
        }
        head.write(b);
        matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      String h = head.toString(StandardCharsets.ISO_8859_1);
      String status = h.substring(9, 12);
      int code = Integer.parseInt(status);
      String lower = h.toLowerCase(Locale.ROOT);
      if (code < 200 || code == 204 || code == 304 || headRequest) {
        return new String[] {status, ""};
      }
      int at = lower.indexOf("\r\ncontent-length:");
      if (at >= 0) {
        int from = at + "\r\ncontent-length:".length();
        int length = Integer.parseInt(lower.substring(from, lower.indexOf("\r\n", from)).trim());
        return new String[] {status, new String(in.readNBytes(length), StandardCharsets.ISO_8859_1)};
      }
      if (lower.contains("\r\ntransfer-encoding: chunked")) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
          int n = Integer.parseInt(RawConnection.readLine(in).split(";")[0].trim(), 16);
          if (n == 0) {
            while (!RawConnection.readLine(in).isEmpty()) {
              // trailers
            }
            return new String[] {status, body.toString(StandardCharsets.ISO_8859_1)};
          }
          body.write(in.readNBytes(n));
          RawConnection.readLine(in);
        }
      }
      return new String[] {status, new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)};
    } catch (SocketTimeoutException e) {
      throw e;
    } catch (IOException e) {
      return null;
    }
  }

  private Process startNginx(Path binary, int port, int backendPort) throws IOException {
    Path sandbox = Files.createTempDirectory(dir, "nginx-");
    String build = Peers.run(List.of(binary.toString(), "-V"), sandbox, Duration.ofSeconds(30)).output();
    StringBuilder temp = new StringBuilder();
    temp.append("  client_body_temp_path ").append(sandbox.resolve("body")).append(";\n");
    temp.append("  proxy_temp_path ").append(sandbox.resolve("proxy")).append(";\n");
    for (String module : List.of("fastcgi", "uwsgi", "scgi")) {
      if (!build.contains("--without-http_" + module + "_module")) {
        temp.append("  ").append(module).append("_temp_path ").append(sandbox.resolve(module)).append(";\n");
      }
    }
    // the settings `drover generate nginx` renders for the same balancer.max_body and max_header_size
    String conf = "worker_processes 1;\npid " + sandbox.resolve("nginx.pid") + ";\nerror_log " + sandbox.resolve("error.log")
        + " info;\nevents { worker_connections 64; }\nhttp {\n" + temp
        + "  access_log off;\n  client_max_body_size " + MAX_BODY + ";\n  large_client_header_buffers 4 8k;\n"
        + "  upstream w { server 127.0.0.1:" + backendPort + "; keepalive 4; }\n"
        + "  server {\n    listen 127.0.0.1:" + port + ";\n    proxy_http_version 1.1;\n"
        + "    proxy_set_header Connection \"\";\n    proxy_set_header Host $host;\n"
        + "    location / { proxy_pass http://w; }\n  }\n}\n";
    Path file = sandbox.resolve("nginx.conf");
    Files.writeString(file, conf);
    return new ProcessBuilder(binary.toString(), "-e", "stderr", "-p", sandbox + "/", "-c", file.toString(),
        "-g", "daemon off;").redirectErrorStream(true).redirectOutput(sandbox.resolve("nginx.out").toFile()).start();
  }

  private static void awaitListening(Process nginx, InetSocketAddress at) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(nginx.isAlive()).as("nginx is running").isTrue();
      try (Socket s = new Socket()) {
        s.connect(at, 500);
        return;
      } catch (IOException e) {
        Thread.sleep(50); // polling for the listening socket
      }
    }
    throw new AssertionError("nginx did not listen on " + at);
  }
}
