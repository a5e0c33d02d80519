package dev.drover.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DemoAppTest {
  private WorkerServer server;
  private int port;

  @BeforeEach
  void start() throws Exception {
    server = new WorkerServer("127.0.0.1", 0, 1, 2, new DemoApp(7, 4242, "staging \"eu\""));
    server.start();
    port = server.address().getPort();
  }

  @AfterEach
  void stop() {
    server.drainAndStop(0);
  }

  @Test
  void infoNamesTheWorkerAndCountsItsOwnVisits() throws Exception {
    TestHttp.Response first = TestHttp.get(port, "/api/info");
    TestHttp.Response second = TestHttp.get(port, "/api/info");

    assertThat(first.status()).isEqualTo(200);
    assertThat(first.header("Content-Type")).isEqualTo("application/json");
    assertThat(first.body()).isEqualTo("{\"worker\":7,\"pid\":4242,\"visits\":1,\"env\":\"staging \\\"eu\\\"\"}");
    assertThat(second.body()).contains("\"visits\":2,");
  }

  @Test
  void pageShowsWorkerPidCounterAndWhyStateMustNotLiveHere() throws Exception {
    TestHttp.get(port, "/api/info");
    TestHttp.Response page = TestHttp.get(port, "/");

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.body()).contains("worker 7", "Process 4242", "<strong>2</strong> visits",
        "staging &quot;eu&quot;", "never in a worker");
  }

  @Test
  void withoutSessionsThePageSaysHowToTurnThemOn() throws Exception {
    TestHttp.Response page = TestHttp.get(port, "/");
    assertThat(page.body()).contains("Set <code>secret_key</code>");
    assertThat(page.header("Set-Cookie")).isNull();
    assertThat(TestHttp.get(port, "/api/session").body()).isEqualTo("{\"worker\":7,\"worker_visits\":2,\"session_visits\":-1}");
  }

  @Test
  void withSessionsThePageShowsTheWorkersCountBesideTheVisitorsOwn() throws Exception {
    Sessions sessions = Sessions.create(new dev.drover.config.Secret("k".repeat(32)), List.of(),
        Sessions.DEFAULT_MAX_AGE, java.time.Clock.systemUTC(), System.getLogger("test"));
    WorkerServer other = new WorkerServer("127.0.0.1", 0, 1, 2, sessions.wrap(new DemoApp(8, 4343, "dev", true)));
    other.start();
    try {
      int p = other.address().getPort();
      TestHttp.Response first = TestHttp.get(p, "/");
      String cookie = first.header("Set-Cookie").split(";")[0];
      TestHttp.Response second = TestHttp.request(p, "GET", "/", java.util.Map.of("Cookie", cookie));
      assertThat(second.body()).contains("This worker has counted <strong>2</strong> visits",
          "You have made <strong>2</strong> visits");
      TestHttp.Response fresh = TestHttp.get(p, "/api/session");
      assertThat(fresh.body()).isEqualTo("{\"worker\":8,\"worker_visits\":3,\"session_visits\":1}");
    } finally {
      other.drainAndStop(0);
    }
  }

  @Test
  void slowAnswersAfterTheDelay() throws Exception {
    long start = System.nanoTime();
    TestHttp.Response slow = TestHttp.get(port, "/api/slow?ms=250");
    long tookMillis = (System.nanoTime() - start) / 1_000_000;

    assertThat(slow.status()).isEqualTo(200);
    assertThat(slow.body()).isEqualTo("{\"slept_ms\":250,\"worker\":7}");
    assertThat(tookMillis).isGreaterThanOrEqualTo(250);
  }

  @Test
  void slowRefusesDelaysOutOfRange() throws Exception {
    for (String query : List.of("", "?ms=", "?ms=-1", "?ms=10001", "?ms=abc", "?ms=1&ms=2")) {
      assertThat(TestHttp.get(port, "/api/slow" + query).status()).as(query).isEqualTo(400);
    }
    assertThat(TestHttp.get(port, "/api/slow?ms=0").status()).isEqualTo(200);
  }

  @Test
  void unknownPathsAre404AndOtherMethods405() throws Exception {
    assertThat(TestHttp.get(port, "/api/nope").status()).isEqualTo(404);
    assertThat(TestHttp.get(port, "/api/info/").status()).isEqualTo(404);
    TestHttp.Response post = TestHttp.request(port, "POST", "/api/info", java.util.Map.of("Content-Length", "0"));
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.header("Allow")).isEqualTo("GET, HEAD");
  }

  @Test
  void healthIsAnsweredBeforeTheApp() throws Exception {
    TestHttp.Response health = TestHttp.get(port, "/_drover/health");

    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("ok");
    assertThat(TestHttp.get(port, "/api/info").body()).as("health is no visit").contains("\"visits\":1,");
  }

  @Test
  void slowMillisAcceptsZeroToTenSeconds() {
    assertThat(DemoApp.slowMillis(new ArrayDeque<>(List.of("0")))).isZero();
    assertThat(DemoApp.slowMillis(new ArrayDeque<>(List.of("10000")))).isEqualTo(10_000);
    assertThat(DemoApp.slowMillis(new ArrayDeque<>(List.of("10001")))).isEqualTo(-1);
    assertThat(DemoApp.slowMillis(null)).isEqualTo(-1);
  }
}
