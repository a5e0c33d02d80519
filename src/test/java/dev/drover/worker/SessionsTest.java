package dev.drover.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.drover.config.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sessions through a real Undertow worker server and raw HTTP, the way a browser carries the cookie. */
class SessionsTest {
  private static final String KEY = "k".repeat(16) + "0123456789abcdef-current";
  private static final String OLD_KEY = "o".repeat(16) + "0123456789abcdef-retired";
  private static final System.Logger LOG = System.getLogger(SessionsTest.class.getName());

  private final List<WorkerServer> servers = new ArrayList<>();
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T12:00:00Z"));

  @AfterEach
  void stop() {
    servers.forEach(s -> s.drainAndStop(0));
  }

  /** A server counting visits in the session, signed with {@code key} and verifying {@code fallbacks}. */
  private int server(String key, String... fallbacks) throws Exception {
    Clock clock = new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now.get();
      }
    };
    Sessions sessions = Sessions.create(new Secret(key), List.of(fallbacks).stream().map(Secret::new).toList(),
        Duration.ofHours(1), clock, LOG);
    WorkerServer s = new WorkerServer("127.0.0.1", 0, 1, 2, sessions.wrap(exchange -> {
      Session session = Sessions.of(exchange);
      if (exchange.getRequestPath().equals("/big")) {
        session.put("blob", "x".repeat(5000));
      } else if (exchange.getRequestPath().equals("/logout")) {
        session.clear();
      } else if (!exchange.getRequestPath().equals("/peek")) {
        session.put("visits", session.getLong("visits", 0) + 1);
      }
      exchange.getResponseSender().send("visits=" + session.getLong("visits", 0));
    }));
    s.start();
    servers.add(s);
    return s.address().getPort();
  }

  private static TestHttp.Response get(int port, String path, String cookie) throws Exception {
    return TestHttp.request(port, "GET", path, cookie == null ? Map.of() : Map.of("Cookie", cookie));
  }

  /** The name=value part of the Set-Cookie header. */
  private static String cookieOf(TestHttp.Response r) {
    String set = r.header("Set-Cookie");
    assertThat(set).as("Set-Cookie").isNotNull();
    return set.substring(0, set.indexOf(';'));
  }

  @Test
  void theCountTravelsInTheCookieAndTheCookieIsHttpOnlyLaxAndNeverHoldsTheKey() throws Exception {
    int port = server(KEY);
    TestHttp.Response first = get(port, "/", null);
    assertThat(first.body()).isEqualTo("visits=1");
    String set = first.header("Set-Cookie");
    assertThat(set).startsWith("drover_session=").contains("; HttpOnly", "; SameSite=Lax", "; Path=/",
        "; Max-Age=3600").doesNotContain("Secure").doesNotContain(KEY);
    String cookie = cookieOf(first);
    for (int i = 2; i <= 5; i++) {
      TestHttp.Response r = get(port, "/", cookie);
      assertThat(r.body()).isEqualTo("visits=" + i);
      cookie = cookieOf(r);
    }
    String payload = new String(Base64.getUrlDecoder().decode(cookie.substring(cookie.indexOf('=') + 1).split("\\.")[0]),
        StandardCharsets.UTF_8);
    assertThat(payload).isEqualTo("{\"visits\":5}");
    assertThat(cookie).doesNotContain(KEY);
  }

  @Test
  void anUnchangedSessionSetsNoCookie() throws Exception {
    int port = server(KEY);
    String cookie = cookieOf(get(port, "/", null));
    TestHttp.Response peek = get(port, "/peek", cookie);
    assertThat(peek.body()).isEqualTo("visits=1");
    assertThat(peek.header("Set-Cookie")).isNull();
  }

  @Test
  void aTamperedCookieGivesAnEmptySessionNotAnError() throws Exception {
    int port = server(KEY);
    String cookie = cookieOf(get(port, "/", null));
    String value = cookie.substring(cookie.indexOf('=') + 1);
    String[] parts = value.split("\\.");
    String forgedPayload = Base64.getUrlEncoder().withoutPadding()
        .encodeToString("{\"visits\":1000}".getBytes(StandardCharsets.UTF_8));
    List<String> forgeries = List.of(
        forgedPayload + "." + parts[1] + "." + parts[2],              // new values, old signature
        parts[0] + "." + (Long.parseLong(parts[1]) + 1) + "." + parts[2], // a later time
        parts[0] + "." + parts[1] + "." + parts[2].substring(1),      // a cut signature
        parts[0] + "." + parts[1] + ".!!notbase64!!",
        parts[0] + "." + parts[1],
        "garbage", "", "....", "%00");
    for (String forged : forgeries) {
      TestHttp.Response r = get(port, "/", "drover_session=" + forged);
      assertThat(r.status()).as(forged).isEqualTo(200);
      assertThat(r.body()).as(forged).isEqualTo("visits=1");
    }
  }

  @Test
  void aCookieSignedWithAnotherKeyIsNotTrusted() throws Exception {
    int other = server("z".repeat(40));
    int port = server(KEY);
    String foreign = cookieOf(get(other, "/", null));
    assertThat(get(port, "/", foreign).body()).isEqualTo("visits=1");
  }

  @Test
  void anExpiredCookieGivesAnEmptySessionAndAnActiveOneIsRefreshedPastHalfItsLife() throws Exception {
    int port = server(KEY);
    String cookie = cookieOf(get(port, "/", null));

    now.set(now.get().plusSeconds(40 * 60));
    TestHttp.Response peek = get(port, "/peek", cookie);
    assertThat(peek.body()).isEqualTo("visits=1");
    assertThat(peek.header("Set-Cookie")).as("re-signed past half of max age").startsWith("drover_session=");

    now.set(now.get().plusSeconds(3601));
    assertThat(get(port, "/", cookie).body()).isEqualTo("visits=1");
  }

  @Test
  void aCookieFromTheFutureIsNotTrusted() throws Exception {
    int port = server(KEY);
    now.set(now.get().plusSeconds(3600));
    String cookie = cookieOf(get(port, "/", null));
    now.set(now.get().minusSeconds(3600));
    assertThat(get(port, "/", cookie).body()).isEqualTo("visits=1");
  }

  @Test
  void rotationKeepsOldSessionsAndReSignsThemWithTheCurrentKey() throws Exception {
    int before = server(OLD_KEY);
    String old = cookieOf(get(before, "/", null));
    old = cookieOf(get(before, "/", old));

    int after = server(KEY, OLD_KEY);
    TestHttp.Response peek = get(after, "/peek", old);
    assertThat(peek.body()).isEqualTo("visits=2");
    String resigned = cookieOf(peek);
    assertThat(resigned).isNotEqualTo(old);

    int onlyNew = server(KEY);
    assertThat(get(onlyNew, "/", resigned).body()).as("re-signed with the current key").isEqualTo("visits=3");
    assertThat(get(onlyNew, "/", old).body()).as("old key no longer listed").isEqualTo("visits=1");
  }

  @Test
  void anOversizedSessionIsNotSavedAndAnOversizedCookieIsIgnored() throws Exception {
    int port = server(KEY);
    String cookie = cookieOf(get(port, "/", null));
    TestHttp.Response big = get(port, "/big", cookie);
    assertThat(big.status()).isEqualTo(200);
    assertThat(big.header("Set-Cookie")).isNull();
    assertThat(get(port, "/", cookie).body()).isEqualTo("visits=2");

    TestHttp.Response huge = get(port, "/", "drover_session=" + "a".repeat(5000));
    assertThat(huge.status()).isEqualTo(200);
    assertThat(huge.body()).isEqualTo("visits=1");
  }

  @Test
  void logoutExpiresTheCookie() throws Exception {
    int port = server(KEY);
    String cookie = cookieOf(get(port, "/", null));
    TestHttp.Response out = get(port, "/logout", cookie);
    assertThat(out.header("Set-Cookie")).startsWith("drover_session=; Max-Age=0");
  }

  @Test
  void theCookieIsSecureWhenTheBalancerSaysTheRequestCameOverTls() throws Exception {
    int port = server(KEY);
    TestHttp.Response r = TestHttp.request(port, "GET", "/", Map.of("X-Forwarded-Proto", "https"));
    assertThat(r.header("Set-Cookie")).endsWith("; Secure");
  }

  @Test
  void aKeyShorterThan32BytesOrMissingIsRefusedWithoutPrintingIt() {
    String shortKey = "short-key-31-bytes-long-0123456";
    assertThatThrownBy(() -> Sessions.create(new Secret(shortKey), List.of(), Duration.ofHours(1), Clock.systemUTC(), LOG))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secret_key is 31 bytes: signed sessions need at least 32 (make one with: drover secret)");
    assertThatThrownBy(() -> Sessions.create(new Secret(""), List.of(), Duration.ofHours(1), Clock.systemUTC(), LOG))
        .hasMessageContaining("secret_key is not set");
    assertThatThrownBy(() -> Sessions.create(new Secret(KEY), List.of(new Secret("old")), Duration.ofHours(1),
        Clock.systemUTC(), LOG)).hasMessageStartingWith("secret_key_fallbacks[0] is 3 bytes").hasMessageNotContaining("old\"");
  }

  @Test
  void fromAnAppContextReadsTheKeyAndItsNumberedFallbacks() throws Exception {
    Map<String, Object> plain = Map.of("secret_key", KEY, "secret_key_fallbacks.0", OLD_KEY);
    Sessions sessions = Sessions.from(plain);
    assertThat(sessions).isNotNull();
  }
}
