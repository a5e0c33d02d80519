package dev.drover.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.config.ConfigException;
import dev.drover.config.DroverException;
import dev.drover.config.RunLayout;
import dev.drover.supervisor.ClusterSnapshot;
import dev.drover.supervisor.Supervisor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line's side of the control socket: one request, one answer, decoded into the same records the
 * supervisor sent. Every call has a deadline: a supervisor that accepts but never answers is reported, not
 * waited on forever.
 */
public final class ControlClient {
  /** For questions the arbiter answers at once. */
  static final Duration QUICK = Duration.ofSeconds(15);
  /** For scale and reload, which wait for workers to boot and the old ones to drain. */
  static final Duration LONG = Duration.ofMinutes(10);
  /** Beyond a stop's grace: the kill of stragglers and the reaping of their exits. */
  static final Duration STOP_MARGIN = Duration.ofSeconds(60);

  private final RunLayout layout;

  public ControlClient(RunLayout layout) {
    this.layout = layout;
  }

  /** Sends a request and returns its {@code result}; a refusal throws, with its problems if settings were bad. */
  JsonNode call(ObjectNode request, Duration timeout) {
    if (!Files.exists(layout.controlSocket())) {
      throw notRunning();
    }
    String command = request.path("command").asText();
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(layout.controlSocket()));
      ByteBuffer out = ByteBuffer.wrap((Protocol.JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8));
      while (out.hasRemaining()) {
        ch.write(out);
      }
      String line = readLine(ch, timeout, command);
      if (line == null) {
        throw new DroverException("the supervisor closed the control socket without an answer to " + command);
      }
      JsonNode answer = Protocol.JSON.readTree(line);
      if (answer.path("ok").asBoolean()) {
        return answer.path("result");
      }
      if (answer.has("problems")) {
        List<String> problems = new ArrayList<>();
        answer.get("problems").forEach(p -> problems.add(p.asText()));
        throw new ConfigException(problems);
      }
      throw new DroverException(answer.path("error").asText("the supervisor refused"));
    } catch (java.net.SocketException e) {
      throw notRunning();
    } catch (IOException e) {
      throw new DroverException("control socket: " + e.getMessage(), e);
    }
  }

  /** The answer line, or null at end of stream; throws once the deadline passes with no whole line. */
  private static String readLine(SocketChannel ch, Duration timeout, String command) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    ch.configureBlocking(false);
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    ByteBuffer buf = ByteBuffer.allocate(8192);
    try (Selector selector = Selector.open()) {
      ch.register(selector, SelectionKey.OP_READ);
      while (true) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          throw new DroverException("the supervisor did not answer " + command + " within " + timeout.toSeconds()
              + " s (see .drover/logs/supervisor.log)");
        }
        selector.select(left);
        selector.selectedKeys().clear();
        buf.clear();
        int n = ch.read(buf);
        if (n < 0) {
          return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
        }
        for (int i = 0; i < n; i++) {
          byte b = buf.get(i);
          if (b == '\n') {
            return line.toString(StandardCharsets.UTF_8);
          }
          line.write(b);
        }
      }
    }
  }

  public ClusterSnapshot status() {
    return decode(call(request("status"), QUICK), ClusterSnapshot.class);
  }

  public Supervisor.ReloadResult reload(boolean dryRun, boolean force) {
    return decode(call(request("reload").put("dry_run", dryRun).put("force", force), LONG), Supervisor.ReloadResult.class);
  }

  public void reopenLogs() {
    call(request("reopen_logs"), QUICK);
  }

  public ClusterSnapshot scale(int workers, boolean force) {
    return decode(call(request("scale").put("workers", workers).put("force", force), LONG), ClusterSnapshot.class);
  }

  /**
   * Asks for a graceful stop; the answer comes once every worker has exited: after the grace, and the
   * supervisor's own 5 s before it kills stragglers, at the latest.
   */
  public void stop(String timeout, Duration grace) {
    ObjectNode r = request("stop");
    if (timeout != null) {
      r.put("timeout", timeout);
    }
    call(r, grace.plus(STOP_MARGIN));
  }

  public boolean isRunning() {
    try {
      status();
      return true;
    } catch (NotRunningException e) {
      return false;
    }
  }

  private static <T> T decode(JsonNode result, Class<T> type) {
    try {
      return Protocol.JSON.treeToValue(result, type);
    } catch (IOException e) {
      throw new DroverException("the supervisor answered in a form this drover does not read (" + e.getMessage()
          + "); was it started by another version?", e);
    }
  }

  private static ObjectNode request(String command) {
    return Protocol.JSON.createObjectNode().put("command", command);
  }

  private NotRunningException notRunning() {
    return new NotRunningException("not running for " + layout.projectDir());
  }
}
