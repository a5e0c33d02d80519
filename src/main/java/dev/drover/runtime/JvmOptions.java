package dev.drover.runtime;

import java.util.List;

/** The worker JVM's options when settings name none. */
public final class JvmOptions {
  /**
   * The first compilation of a method after ten times the JVM's default number of calls and loops (2,000 calls
   * instead of 200): start-up code, run a few hundred times, is no longer compiled, while a server's hot paths,
   * run thousands of times a second, are compiled within a second of traffic. On 2 cores the 5 workers of a
   * start spent 2.4-2.75 s of CPU together, 2.2-2.5 s with these. Workers only: given them too, the balancer
   * spent half as much CPU compiling during a start (0.2 s less) but one benchmark round right after a warm-up
   * was a third slower; its steady state is what the balancer is for.
   */
  public static final List<String> LATE_JIT = List.of("-XX:Tier3InvocationThreshold=2000",
      "-XX:Tier3MinInvocationThreshold=1000", "-XX:Tier3CompileThreshold=20000", "-XX:Tier3BackEdgeThreshold=600000");

  /**
   * Small-footprint flags: 2n+1 JVMs share few cores and little memory. SerialGC and a bounded heap keep an
   * idle worker near 60 MB RSS instead of G1's growth to ~300 MB under load; C1-only starts faster and
   * costs less memory (about a fifth of throughput on CPU-bound handlers, little on I/O-bound ones); a
   * worker that runs out of memory exits so it is replaced instead of limping on.
   */
  public static final List<String> SMALL = small(Runtime.version());

  static List<String> small(Runtime.Version java) {
    List<String> options = new java.util.ArrayList<>(List.of(
        "-XX:+UseSerialGC", "-Xms16m", "-Xmx128m", "-Xss256k", "-XX:TieredStopAtLevel=1",
        "-XX:+ExitOnOutOfMemoryError", "-Xshare:auto"));
    options.addAll(LATE_JIT);
    options.addAll(quietUnsafe(java));
    return List.copyOf(options);
  }

  /**
   * From Java 24 a JVM warns, four lines in every worker's and the supervisor's log, the first time a library
   * uses sun.misc.Unsafe's memory access, as Undertow's thread pool (jboss-threads) does. It still works, and the
   * user can do nothing about it; the option that allows it quietly exists from Java 23.
   */
  public static List<String> quietUnsafe(Runtime.Version java) {
    return java.feature() >= 24 ? List.of("--sun-misc-unsafe-memory-access=allow") : List.of();
  }

  private JvmOptions() {
  }

  public static List<String> orDefault(List<String> configured) {
    return configured.isEmpty() ? SMALL : configured;
  }
}
