package dev.drover.control;

import dev.drover.config.DroverException;
import dev.drover.config.Durations;
import dev.drover.config.RunLayout;
import dev.drover.supervisor.ClusterSnapshot;
import dev.drover.supervisor.ReloadPlan;
import dev.drover.supervisor.Supervisor;
import dev.drover.supervisor.WorkerSnapshot;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The command line's operations on a running cluster, each one request on the control socket. */
public final class ClusterControl {
  private final RunLayout layout;
  private final ControlClient client;

  public ClusterControl(RunLayout layout) {
    this.layout = layout;
    this.client = new ControlClient(layout);
  }

  public ClusterSnapshot status() {
    return client.status();
  }

  /** What {@code status --json} prints: the snapshot the supervisor sent, as the same writer writes it. */
  public static String json(ClusterSnapshot snapshot) {
    return Answers.snapshot(snapshot, true);
  }

  /** Stops gracefully and returns once the supervisor process, and so every worker, is gone. */
  public void stop(String timeout, PrintWriter out) throws IOException, InterruptedException {
    Optional<ProcessHandle> supervisor = supervisorProcess();
    Duration grace = timeout != null ? Durations.parse(timeout) : Duration.ofMillis(client.status().gracefulTimeoutMillis());
    out.println("stopping: draining in-flight requests");
    out.flush();
    client.stop(timeout, grace);
    // The answer comes as the last worker is reaped; the supervisor's own exit follows within moments.
    long deadline = System.nanoTime() + ControlClient.QUICK.toNanos();
    while (supervisor.map(ProcessHandle::isAlive).orElse(false)) {
      if (System.nanoTime() > deadline) {
        throw new DroverException("the supervisor (pid " + supervisor.get().pid() + ") is still running after stop");
      }
      Thread.sleep(10);
    }
    out.println("stopped");
  }

  /** Reloads and returns the lines to print: the plan, then the new workers. */
  public List<String> reload(boolean dryRun, boolean force) {
    Supervisor.ReloadResult result = client.reload(dryRun, force);
    List<String> lines = new ArrayList<>();
    ReloadPlan plan = result.plan();
    describe(lines, "new workers apply", plan.rolling());
    describe(lines, "balancer applies live", plan.live());
    describe(lines, "needs a full restart (drover stop && drover start), not applied", plan.restart());
    if (dryRun) {
      lines.add("dry run: every worker would be replaced by generation " + (result.generation() + 1));
      return lines;
    }
    List<String> pids = new ArrayList<>();
    for (WorkerSnapshot w : result.workers()) {
      if (w.state().equals("ready")) {
        pids.add(w.id() + ":" + w.pid());
      }
    }
    lines.add("reloaded: generation " + result.generation() + ", " + pids.size()
        + " workers ready (id:pid " + String.join(" ", pids) + ")");
    return lines;
  }

  /** Has the supervisor reopen the access log, for logrotate's postrotate step. */
  public void reopenLogs() {
    client.reopenLogs();
  }

  public String scale(int workers, boolean force) {
    return "scaled to " + client.scale(workers, force).desiredWorkers() + " workers";
  }

  private static void describe(List<String> lines, String what, List<String> keys) {
    if (!keys.isEmpty()) {
      lines.add(what + ": " + String.join(", ", keys));
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
