package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class AccessLogFormatTest {
  private static final AccessLog.Entry ENTRY = new AccessLog.Entry(0, new InetSocketAddress("10.1.2.3", 5555), "GET",
      "/a b", "", "HTTP/2.0", 304, 0, 1_234_567, "rid", "bell\u0007 del\u007f", null, "w2");

  @Test
  void combinedEscapesControlCharactersAndWritesADashForNoBytes() {
    StringBuilder out = new StringBuilder();
    AccessLogFormat.COMBINED.append(out, ENTRY);

    assertThat(out.toString()).startsWith("10.1.2.3 - - [")
        .endsWith("] \"GET /a b HTTP/2.0\" 304 - \"-\" \"bell\\x07 del\\x7f\"\n");
  }

  @Test
  void jsonEscapesControlCharactersAndGivesMillisecondsWithMicroseconds() {
    StringBuilder out = new StringBuilder();
    AccessLogFormat.JSON.append(out, ENTRY);

    assertThat(out.toString()).isEqualTo("{\"time\":\"1970-01-01T00:00:00Z\",\"client\":\"10.1.2.3\",\"method\":\"GET\","
        + "\"path\":\"/a b\",\"query\":null,\"status\":304,\"bytes\":0,\"duration_ms\":1.234,\"request_id\":\"rid\","
        + "\"user_agent\":\"bell\\u0007 del\\u007f\",\"referer\":null,\"worker\":\"w2\"}\n");
  }

  @Test
  void combinedTimeIsFormattedOncePerSecondAndStillRight() {
    java.time.format.DateTimeFormatter clf = java.time.format.DateTimeFormatter
        .ofPattern("dd/MMM/yyyy:HH:mm:ss Z", java.util.Locale.ENGLISH).withZone(java.time.ZoneId.systemDefault());
    long t = 1_795_000_000_999L;
    for (long millis : new long[] {t, t + 1, t + 1000, t - 5000, -1}) {
      assertThat(AccessLogFormat.clfTime(millis)).isEqualTo(clf.format(java.time.Instant.ofEpochMilli(millis)));
    }
    assertThat(AccessLogFormat.clfTime(t + 1)).isSameAs(AccessLogFormat.clfTime(t + 1));
  }

  @Test
  void onlyTheTwoKnownFormatsAreNamed() {
    assertThat(AccessLogFormat.named("combined")).isEqualTo(AccessLogFormat.COMBINED);
    assertThat(AccessLogFormat.named("json")).isEqualTo(AccessLogFormat.JSON);
    assertThatThrownBy(() -> AccessLogFormat.named("common"))
        .hasMessage("balancer.access_log_format must be \"combined\" or \"json\", not \"common\"");
  }
}
