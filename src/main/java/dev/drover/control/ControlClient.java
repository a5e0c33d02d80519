package dev.drover.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drover.config.ConfigException;
import dev.drover.config.DroverException;
import dev.drover.config.RunLayout;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/** The command line's side of the control socket: one request, one answer. */
public final class ControlClient {
  private final RunLayout layout;

  public ControlClient(RunLayout layout) {
    this.layout = layout;
  }

  /** Sends a request and returns its {@code result}; a refusal throws, with its problems if settings were bad. */
  JsonNode call(ObjectNode request) {
    if (!Files.exists(layout.controlSocket())) {
      throw notRunning();
    }
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(layout.controlSocket()));
      Channels.newOutputStream(ch).write((Protocol.JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8));
      String line = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8)).readLine();
      if (line == null) {
        throw new DroverException("the supervisor closed the control socket without an answer");
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

  public JsonNode status() {
    return call(request("status"));
  }

  public JsonNode reload(boolean dryRun) {
    return call(request("reload").put("dry_run", dryRun));
  }

  public JsonNode reopenLogs() {
    return call(request("reopen_logs"));
  }

  public JsonNode scale(int workers) {
    return call(request("scale").put("workers", workers));
  }

  /** Asks for a graceful stop; the answer comes once every worker has exited. */
  public JsonNode stop(String timeout) {
    ObjectNode r = request("stop");
    if (timeout != null) {
      r.put("timeout", timeout);
    }
    return call(r);
  }

  public boolean isRunning() {
    try {
      status();
      return true;
    } catch (NotRunningException e) {
      return false;
    }
  }

  private static ObjectNode request(String command) {
    return Protocol.JSON.createObjectNode().put("command", command);
  }

  private NotRunningException notRunning() {
    return new NotRunningException("not running for " + layout.projectDir());
  }
}
