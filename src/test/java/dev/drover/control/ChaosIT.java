package dev.drover.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.testing.Drover;
import dev.drover.testing.Drover.Result;
import dev.drover.testing.Load;
import dev.drover.testing.TestCluster;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything an operator and bad luck do to a cluster at once, under steady load: a worker killed -9 every
 * 5 s, a reload every 10 s, one invalid reload, and a scale 5 → 3 → 5. No request may fail, no process or
 * file descriptor may be left over, and the cluster must end with every worker ready.
 *
 * <p>{@code -Dchaos.seconds=N} sets how long the chaos lasts (20 by default, as CI runs it).
 */
@Tag("chaos")
class ChaosIT {
  private static final int WORKERS = 5;
  private static final int SCALED_DOWN = 3;
  private static final int CLIENT_THREADS = 4;
  private static final long KILL_EVERY_MILLIS = 5_000;
  private static final long RELOAD_EVERY_MILLIS = 10_000;
  private static final int MAX_KILLS_PER_MINUTE = 3;
  /** Descriptors the supervisor may hold beyond its quiet start: a few pooled connections more or less. */
  private static final int FD_SLACK = 16;
  private static final Pattern WORKER_ID = Pattern.compile("-Ddrover\\.worker=(\\d+)");

  @TempDir
  Path tmp;
  TestCluster cluster;
  final Random random = new Random();
  /** Held while the test checks that something changed nothing, so no kill lands in between. */
  final ReentrantLock still = new ReentrantLock();
  final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
  final Map<Integer, ConcurrentLinkedQueue<Long>> killTimes = new ConcurrentHashMap<>();
  final AtomicInteger spared = new AtomicInteger();
  final AtomicInteger kills = new AtomicInteger();
  final AtomicInteger reloads = new AtomicInteger();
  final AtomicInteger scales = new AtomicInteger();
  volatile int desired = WORKERS;
  volatile boolean chaos = true;
  final long testStarted = System.nanoTime();

  @BeforeEach
  void project() throws Exception {
    cluster = new TestCluster(tmp);
    cluster.writeSettings(settings(WORKERS));
  }

  @AfterEach
  void nothingLeftRunning() throws Exception {
    chaos = false;
    try {
      cluster.stopAndAssertNothingLeft();
    } finally {
      // The supervisor's account of the run, kept next to the test reports for whoever reads a slow or failed run.
      Path log = cluster.project.resolve(".drover/logs/supervisor.log");
      if (Files.exists(log)) {
        Files.copy(log, Path.of("target", "chaos-supervisor.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /**
   * The default 30 s worker timeout rather than the short one other tests use: on a busy machine five JVMs
   * booting at once under load can take longer than 10 s, and a boot that slow is killed by design.
   */
  private String settings(int workers) {
    return cluster.settings("", "").replace("workers = 3", "workers = " + workers).replace("timeout = \"10s\"", "timeout = \"30s\"");
  }

  @Test
  void killsReloadsAndScalesUnderLoadFailNoRequestAndLeakNothing() throws Exception {
    long seconds = Long.getLong("chaos.seconds", 20);
    cluster.start();
    say("started " + WORKERS + " workers");
    long supervisor = cluster.status().path("pid").asLong();
    // One client for warm-up and chaos alike, so the connections it keeps open to the balancer are the same
    // few at both counts of the supervisor's descriptors.
    HttpClient client = Load.client();
    try (Load warmUp = Load.start(client, cluster.uri("/api/info"), CLIENT_THREADS)) {
      warmUp.awaitMore(1_000, Duration.ofSeconds(30));
      warmUp.close();
      assertThat(warmUp.failures()).as("failed requests while warming up").isEmpty();
    }
    List<String> fdsBefore = quietDescriptors(supervisor, Integer.MAX_VALUE);
    say("started, warmed up, " + fdsBefore.size() + " supervisor fds; chaos for " + seconds + " s");

    Load load = Load.start(client, cluster.uri("/api/info"), CLIENT_THREADS);
    long started = System.nanoTime();
    long end = started + Duration.ofSeconds(seconds).toNanos();
    Thread killer = new Thread(() -> guard("killer", () -> killEvery(end)), "chaos-killer");
    killer.start();
    try {
      operate(started, end);
    } finally {
      chaos = false;
      killer.join(60_000);
      load.close();
    }
    long ok = load.ok();
    say("chaos over");

    cluster.awaitReady(WORKERS, Duration.ofSeconds(60));
    List<String> fdsAfter = quietDescriptors(supervisor, fdsBefore.size() + FD_SLACK);
    JsonNode last = cluster.status();
    Map<Integer, Integer> killsPerSlot = new TreeMap<>();
    killTimes.forEach((slot, times) -> killsPerSlot.put(slot, times.size()));
    System.out.printf("chaos %d s: %d requests ok, %d failed; %d kills by slot %s (%d spared), %d reloads, %d scales;"
            + " supervisor fds %d at the start, %d at the end%n", seconds, ok, load.failed(), kills.get(),
        killsPerSlot, spared.get(), reloads.get(), scales.get(), fdsBefore.size(), fdsAfter.size());

    load.failures().forEach(f -> say("failed request: " + f));
    try {
      check(seconds, load, ok, fdsBefore, fdsAfter, last, supervisor);
    } catch (AssertionError e) {
      System.out.println("supervisor log:\n" + cluster.drover("logs", "-n", "400").out());
      throw e;
    }
  }

  private void check(long seconds, Load load, long ok, List<String> fdsBefore, List<String> fdsAfter, JsonNode last,
      long supervisor) {
    assertThat(problems).as("what went wrong during the chaos").isEmpty();
    assertThat(load.failures()).as("the first failed requests of " + load.failed()).isEmpty();
    assertThat(ok).as("requests served during the chaos").isGreaterThan(seconds * 50);
    assertThat(kills.get() + spared.get()).as("kill rounds").isGreaterThanOrEqualTo((int) (seconds * 1000 / KILL_EVERY_MILLIS) - 1);
    assertThat(kills.get()).as("kills").isGreaterThanOrEqualTo((int) (seconds * 1000 / KILL_EVERY_MILLIS) / 2);
    assertThat(reloads.get()).as("reloads").isGreaterThanOrEqualTo((int) (seconds * 1000 / RELOAD_EVERY_MILLIS) - 1);
    assertThat(scales.get()).as("scales").isEqualTo(2);
    assertThat(fdsAfter.size()).as("supervisor descriptors at the end, against %d at the start:\n%s\nbefore:\n%s",
        fdsBefore.size(), summary(fdsAfter), summary(fdsBefore)).isLessThanOrEqualTo(fdsBefore.size() + FD_SLACK);
    assertThat(last.path("state").asText()).isEqualTo("running");
    assertThat(last.path("workers")).hasSize(WORKERS);
    last.path("workers").forEach(w -> assertThat(w.path("state").asText()).as(w.toString()).isEqualTo("ready"));
    assertProcesses(supervisor, WORKERS);
  }

  /**
   * The operator's side, in time order: a reload every 10 s, the scale down at 30% of the run, the invalid
   * reload at half time, the scale up at 70%. The settings follow the scale, so a reload keeps the count.
   */
  private void operate(long started, long end) throws Exception {
    long span = end - started;
    List<Map.Entry<Long, String>> plan = new ArrayList<>();
    for (long at = RELOAD_EVERY_MILLIS; at * 1_000_000 < span; at += RELOAD_EVERY_MILLIS) {
      plan.add(Map.entry(started + at * 1_000_000, "reload"));
    }
    plan.add(Map.entry(started + span * 3 / 10, "scale down"));
    plan.add(Map.entry(started + span / 2 + 1_000_000_000L, "invalid reload"));
    plan.add(Map.entry(started + span * 7 / 10, "scale up"));
    plan.sort(Map.Entry.comparingByKey());
    for (Map.Entry<Long, String> step : plan) {
      sleepUntil(step.getKey());
      long at = System.nanoTime();
      switch (step.getValue()) {
        case "reload" -> reload();
        case "scale down" -> scale(SCALED_DOWN);
        case "scale up" -> scale(WORKERS);
        default -> invalidReload();
      }
      say(step.getValue() + " took " + (System.nanoTime() - at) / 1_000_000 + " ms");
    }
    sleepUntil(end);
  }

  private void reload() {
    Result r = cluster.drover("reload");
    if (r.code() != 0) {
      problems.add("reload " + (reloads.get() + 1) + " exited " + r.code() + ": " + r.out().strip());
    }
    reloads.incrementAndGet();
  }

  private void scale(int workers) throws Exception {
    cluster.writeSettings(settings(workers));
    Result r = cluster.drover("scale", Integer.toString(workers));
    if (r.code() != 0) {
      problems.add("scale to " + workers + " exited " + r.code() + ": " + r.out().strip());
    }
    desired = workers;
    scales.incrementAndGet();
    still.lock();
    try {
      cluster.awaitReady(workers, Duration.ofSeconds(60));
      assertProcesses(cluster.status().path("pid").asLong(), workers);
    } catch (AssertionError e) {
      problems.add("after the scale to " + workers + ": " + e.getMessage());
    } finally {
      still.unlock();
    }
  }

  /** Settings with an unknown key: the reload must exit 1 and leave every worker and the generation as they were. */
  private void invalidReload() throws Exception {
    still.lock();
    try {
      cluster.awaitReady(desired, Duration.ofSeconds(60));
      JsonNode before = cluster.status();
      cluster.writeSettings(settings(desired).replace("[default.cluster]", "[default.cluster]\nworkerz = 4"));
      Result r = cluster.drover("reload");
      cluster.writeSettings(settings(desired));
      JsonNode after = cluster.status();
      if (r.code() != 1 || !r.out().contains("unknown key 'workerz'")) {
        problems.add("invalid reload exited " + r.code() + ": " + r.out().strip());
      }
      if (!pids(after).equals(pids(before)) || after.path("generation").asInt() != before.path("generation").asInt()
          || !after.path("state").asText().equals("running")) {
        problems.add("the invalid reload changed the cluster:\n" + before + "\n" + after);
      }
    } finally {
      still.unlock();
    }
  }

  /**
   * Every 5 s a kill -9 of a worker process found in /proc, whatever its state (a new generation's worker still
   * starting is fair game), in a slot killed least in the last minute. Five exits of a slot within a minute
   * are a crash loop to drover, which stops restarting it for a while by design; a slot killed 3 times in
   * the last minute is spared so the kills stay below that with room for one more exit of any kind.
   */
  private void killEvery(long end) throws Exception {
    long next = System.nanoTime() + KILL_EVERY_MILLIS * 1_000_000;
    while (chaos && next < end) {
      sleepUntil(next);
      next += KILL_EVERY_MILLIS * 1_000_000;
      still.lock();
      try {
        JsonNode status = cluster.status();
        long supervisor = status.path("pid").asLong();
        Map<Integer, List<ProcessHandle>> bySlot = Drover.processesMentioning(cluster.project.toString()).stream()
            .filter(p -> p.pid() != supervisor && slotOf(p) > 0)
            .collect(Collectors.groupingBy(ChaosIT::slotOf));
        if (bySlot.isEmpty()) {
          problems.add("no worker process to kill");
          continue;
        }
        int fewest = bySlot.keySet().stream().mapToInt(this::killedLastMinute).min().orElseThrow();
        if (fewest >= MAX_KILLS_PER_MINUTE) {
          say("no kill: every slot was killed " + MAX_KILLS_PER_MINUTE + " times in the last minute");
          spared.incrementAndGet();
          continue;
        }
        List<Integer> candidates = bySlot.keySet().stream().filter(id -> killedLastMinute(id) == fewest).toList();
        int slot = candidates.get(random.nextInt(candidates.size()));
        List<ProcessHandle> processes = bySlot.get(slot);
        ProcessHandle victim = processes.get(random.nextInt(processes.size()));
        String state = "starting, not yet listed";
        for (JsonNode w : status.path("workers")) {
          if (w.path("pid").asLong() == victim.pid()) {
            state = w.path("state").asText() + ", generation " + w.path("generation").asInt();
          }
        }
        say("kill -9 worker " + slot + " (pid " + victim.pid() + ", " + state + ")");
        if (victim.destroyForcibly()) {
          killTimes.computeIfAbsent(slot, id -> new ConcurrentLinkedQueue<>()).add(System.nanoTime());
          kills.incrementAndGet();
        }
      } finally {
        still.unlock();
      }
    }
  }

  private int killedLastMinute(int slot) {
    long since = System.nanoTime() - Duration.ofMinutes(1).toNanos();
    return (int) killTimes.getOrDefault(slot, new ConcurrentLinkedQueue<>()).stream().filter(t -> t - since > 0).count();
  }

  private static int slotOf(ProcessHandle p) {
    Matcher m = WORKER_ID.matcher(Drover.read(Path.of("/proc", Long.toString(p.pid()), "cmdline")));
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  /** Exactly the supervisor and its desired workers mention the project: nothing left over, nothing missing. */
  private void assertProcesses(long supervisor, int workers) {
    List<ProcessHandle> processes = Drover.processesMentioning(cluster.project.toString());
    assertThat(processes.stream().map(ProcessHandle::pid)).as("processes of the project").contains(supervisor);
    assertThat(processes).as("processes of the project: the supervisor and %d workers", workers).hasSize(workers + 1);
  }

  private static List<Long> pids(JsonNode status) {
    List<Long> pids = new ArrayList<>();
    status.path("workers").forEach(w -> pids.add(w.path("pid").asLong()));
    pids.sort(Comparator.naturalOrder());
    return pids;
  }

  /**
   * The supervisor's open descriptors when nothing is going on: no load, every worker ready, nothing draining.
   * Connections the load just closed take a moment to close on the balancer's side too: the count is read until
   * it stops falling (the start) or is within {@code atMost} (the end), for up to 15 s.
   */
  private List<String> quietDescriptors(long supervisor, int atMost) throws Exception {
    cluster.awaitReady(WORKERS, Duration.ofSeconds(60));
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    List<String> now = descriptors(supervisor);
    while (now.size() > atMost && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(100); // sockets closing in another process: read again until the deadline
      List<String> next = descriptors(supervisor);
      if (atMost == Integer.MAX_VALUE && next.size() >= now.size()) {
        return next;
      }
      now = next;
    }
    return now;
  }

  private static List<String> descriptors(long supervisor) throws Exception {
    List<String> targets = new ArrayList<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(supervisor), "fd"))) {
      for (Path fd : fds.toList()) {
        try {
          targets.add(Files.readSymbolicLink(fd).toString());
        } catch (java.io.IOException e) {
          // closed between the listing and the read: not open any more
        }
      }
    }
    return targets;
  }

  /** Descriptors by kind (socket, pipe, anon_inode:[eventpoll], a file's path), with counts. */
  private static String summary(List<String> targets) {
    return targets.stream().map(t -> t.replaceAll(":\\[\\d+]$", ""))
        .collect(Collectors.groupingBy(t -> t, TreeMap::new, Collectors.counting())).toString();
  }

  private void guard(String who, Action action) {
    try {
      action.run();
    } catch (Throwable t) {
      problems.add(who + " failed: " + t);
    }
  }

  private interface Action {
    void run() throws Exception;
  }

  private void say(String what) {
    System.out.printf("chaos +%.1f s: %s%n", (System.nanoTime() - testStarted) / 1e9, what);
  }

  private void sleepUntil(long nanoTime) throws InterruptedException {
    long left;
    while (chaos && (left = nanoTime - System.nanoTime()) > 0) {
      Thread.sleep(Math.min(100, left / 1_000_000 + 1));
    }
  }
}
