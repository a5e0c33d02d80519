package dev.drover.control;

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

  /**
   * Sends a request and returns its {@code result} as JSON text; a refusal throws, with its problems if settings
   * were bad.
   */
  String call(String command, Duration timeout, Object... fields) {
    if (!Files.exists(layout.controlSocket())) {
      throw notRunning();
    }
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(layout.controlSocket()));
      ByteBuffer out = ByteBuffer.wrap((Answers.request(command, fields) + "\n").getBytes(StandardCharsets.UTF_8));
      while (out.hasRemaining()) {
        ch.write(out);
      }
      String line = readLine(ch, timeout, command);
      if (line == null) {
        throw new DroverException("the supervisor closed the control socket without an answer to " + command);
      }
      Answers.Answer answer = Answers.readAnswer(line);
      if (answer.ok()) {
        return answer.resultJson();
      }
      if (answer.problems() != null) {
        throw new ConfigException(answer.problems());
      }
      throw new DroverException(answer.error() == null ? "the supervisor refused" : answer.error());
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
    return decode(() -> Answers.readSnapshot(call("status", QUICK)));
  }

  public Supervisor.ReloadResult reload(boolean dryRun, boolean force) {
    return decode(() -> Answers.readReload(call("reload", LONG, "dry_run", dryRun, "force", force)));
  }

  public void reopenLogs() {
    call("reopen_logs", QUICK);
  }

  public ClusterSnapshot scale(int workers, boolean force) {
    return decode(() -> Answers.readSnapshot(call("scale", LONG, "workers", workers, "force", force)));
  }

  /**
   * Asks for a graceful stop; the answer comes once every worker has exited: after the grace, and the
   * supervisor's own 5 s before it kills stragglers, at the latest.
   */
  public void stop(String timeout, Duration grace) {
    call("stop", grace.plus(STOP_MARGIN), "timeout", timeout);
  }

  public boolean isRunning() {
    try {
      status();
      return true;
    } catch (NotRunningException e) {
      return false;
    }
  }

  private interface Decoding<T> {
    T decode() throws IOException;
  }

  private static <T> T decode(Decoding<T> decoding) {
    try {
      return decoding.decode();
    } catch (IOException e) {
      throw new DroverException("the supervisor answered in a form this drover does not read (" + e.getMessage()
          + "); was it started by another version?", e);
    }
  }

  private NotRunningException notRunning() {
    return new NotRunningException("not running for " + layout.projectDir());
  }
}
