package dev.drover.control;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.config.ConfigException;
import dev.drover.config.Durations;
import dev.drover.supervisor.ClusterSnapshot;
import dev.drover.supervisor.Supervisor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Answers {@code drover stop|reload|status|scale} on a Unix socket only the project's owner can open. */
final class ControlServer implements AutoCloseable {
  private static final long ANSWER_TIMEOUT_MINUTES = 30;

  private final Path socket;
  private final Supervisor supervisor;
  private final Runnable reopenLogs;
  private final ServerSocketChannel channel;
  private final Thread acceptor;

  ControlServer(Path socket, Supervisor supervisor, Runnable reopenLogs) throws IOException {
    this.socket = socket;
    this.supervisor = supervisor;
    this.reopenLogs = reopenLogs;
    Files.deleteIfExists(socket);
    this.channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    channel.bind(UnixDomainSocketAddress.of(socket));
    // .drover/ is 0700 already; the socket itself is 0600 as well, so nothing depends on the umask.
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    this.acceptor = new Thread(this::acceptLoop, "drover-control");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void acceptLoop() {
    while (channel.isOpen()) {
      try {
        SocketChannel client = channel.accept();
        Thread t = new Thread(() -> serve(client), "drover-control-client");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(SocketChannel client) {
    try (client;
        BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
        OutputStream out = Channels.newOutputStream(client)) {
      String line = in.readLine();
      String answer;
      try {
        answer = line == null ? Answers.error("empty request", null) : answer(Protocol.JSON.readTree(line));
      } catch (IOException | RuntimeException e) {
        answer = Answers.error("bad request: " + e.getMessage(), null);
      }
      out.write((answer + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      // the client went away; nothing to tell it
    }
  }

  private String answer(JsonNode request) {
    String command = request.path("command").asText();
    CompletableFuture<?> result = switch (command) {
      case "status" -> supervisor.status();
      case "reload" -> supervisor.reload(request.path("dry_run").asBoolean(false), request.path("force").asBoolean(false));
      case "scale" -> supervisor.scale(request.path("workers").asInt(), request.path("force").asBoolean(false));
      case "reopen_logs" -> CompletableFuture.runAsync(reopenLogs);
      case "stop" -> supervisor.stop(request.hasNonNull("timeout")
          ? Durations.parse(request.get("timeout").asText()) : null);
      default -> null;
    };
    if (result == null) {
      return Answers.error("unknown command '" + command + "'", null);
    }
    try {
      Object value = result.get(ANSWER_TIMEOUT_MINUTES, TimeUnit.MINUTES);
      if (value instanceof ClusterSnapshot snapshot) {
        return Answers.ok(Answers.snapshot(snapshot, false));
      }
      if (value instanceof Supervisor.ReloadResult reloaded) {
        return Answers.ok(Answers.reloadResult(reloaded));
      }
      return Answers.ok("null");
    } catch (ExecutionException e) {
      return Answers.error(e.getCause().getMessage(),
          e.getCause() instanceof ConfigException ce ? ce.problems() : null);
    } catch (TimeoutException e) {
      return Answers.error(command + " did not finish in " + ANSWER_TIMEOUT_MINUTES + " minutes", null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Answers.error("interrupted", null);
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
    Files.deleteIfExists(socket);
  }
}
