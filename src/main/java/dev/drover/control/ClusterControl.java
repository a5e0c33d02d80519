package dev.drover.control;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.config.DroverException;
import dev.drover.config.RunLayout;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The command line's operations on a running cluster, each one request on the control socket. */
public final class ClusterControl {
  private static final long STOP_WAIT_MILLIS = 60_000;
  private final RunLayout layout;
  private final ControlClient client;

  public ClusterControl(RunLayout layout) {
    this.layout = layout;
    this.client = new ControlClient(layout);
  }

  public JsonNode status() {
    return client.status();
  }

  public static String json(JsonNode node) throws IOException {
    return Protocol.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
  }

  /** Stops gracefully and returns once the supervisor process, and so every worker, is gone. */
  public void stop(String timeout, PrintWriter out) throws IOException, InterruptedException {
    Optional<ProcessHandle> supervisor = supervisorProcess();
    out.println("stopping: draining in-flight requests");
    out.flush();
    client.stop(timeout);
    long deadline = System.currentTimeMillis() + STOP_WAIT_MILLIS;
    while (supervisor.map(ProcessHandle::isAlive).orElse(false)) {
      if (System.currentTimeMillis() > deadline) {
        throw new DroverException("the supervisor (pid " + supervisor.get().pid() + ") is still running after stop");
      }
      Thread.sleep(50);
    }
    out.println("stopped");
  }

  /** Reloads and returns the lines to print: the plan, then the new workers. */
  public List<String> reload(boolean dryRun) {
    JsonNode result = client.reload(dryRun);
    List<String> lines = new ArrayList<>();
    JsonNode plan = result.path("plan");
    describe(lines, "new workers apply", plan.path("rolling"));
    describe(lines, "balancer applies live", plan.path("live"));
    describe(lines, "needs a full restart (drover stop && drover start), not applied", plan.path("restart"));
    if (dryRun) {
      lines.add("dry run: every worker would be replaced by generation " + (result.path("generation").asInt() + 1));
      return lines;
    }
    List<String> pids = new ArrayList<>();
    for (JsonNode w : result.path("workers")) {
      if (w.path("state").asText().equals("ready")) {
        pids.add(w.path("id").asText() + ":" + w.path("pid").asText());
      }
    }
    lines.add("reloaded: generation " + result.path("generation").asInt() + ", " + pids.size()
        + " workers ready (id:pid " + String.join(" ", pids) + ")");
    return lines;
  }

  /** Has the supervisor reopen the access log, for logrotate's postrotate step. */
  public void reopenLogs() {
    client.reopenLogs();
  }

  public String scale(int workers) {
    JsonNode result = client.scale(workers);
    return "scaled to " + result.path("desired_workers").asInt() + " workers";
  }

  private static void describe(List<String> lines, String what, JsonNode keys) {
    if (keys.isArray() && !keys.isEmpty()) {
      List<String> names = new ArrayList<>();
      keys.forEach(k -> names.add(k.asText()));
      lines.add(what + ": " + String.join(", ", names));
    }
  }

  private Optional<ProcessHandle> supervisorProcess() throws IOException {
    if (!Files.exists(layout.pidFile())) {
      return Optional.empty();
    }
    try {
      return ProcessHandle.of(Long.parseLong(Files.readString(layout.pidFile()).strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
