package dev.drover.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.config.ConfigException;
import dev.drover.config.Durations;
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
      ObjectNode answer = line == null ? error("empty request") : answer(Protocol.JSON.readTree(line));
      out.write((Protocol.JSON.writeValueAsString(answer) + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      // the client went away; nothing to tell it
    }
  }

  private ObjectNode answer(JsonNode request) {
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
      return error("unknown command '" + command + "'");
    }
    try {
      Object value = result.get(ANSWER_TIMEOUT_MINUTES, TimeUnit.MINUTES);
      ObjectNode ok = Protocol.JSON.createObjectNode().put("ok", true);
      ok.set("result", Protocol.JSON.valueToTree(value));
      return ok;
    } catch (ExecutionException e) {
      ObjectNode err = error(e.getCause().getMessage());
      if (e.getCause() instanceof ConfigException ce) {
        ce.problems().forEach(err.putArray("problems")::add);
        err.put("kind", "config");
      }
      return err;
    } catch (TimeoutException e) {
      return error(command + " did not finish in " + ANSWER_TIMEOUT_MINUTES + " minutes");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return error("interrupted");
    }
  }

  private static ObjectNode error(String message) {
    return Protocol.JSON.createObjectNode().put("ok", false).put("error", message);
  }

  @Override
  public void close() throws IOException {
    channel.close();
    Files.deleteIfExists(socket);
  }
}
