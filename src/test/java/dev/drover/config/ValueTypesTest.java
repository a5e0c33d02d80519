package dev.drover.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ValueTypesTest {

  @Test
  void durationsReadAndWriteTheSettingsSpelling() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.format(Duration.ofMinutes(2))).isEqualTo("2m");
    assertThatThrownBy(() -> Durations.parse("30")).hasMessage("a duration such as \"500ms\", \"30s\" or \"2m\"");
    assertThatThrownBy(() -> Durations.parse("fast")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sizesArePowersOf1024() {
    assertThat(DataSize.parse("1KB").bytes()).isEqualTo(1024);
    assertThat(DataSize.parse("10MB").bytes()).isEqualTo(10L << 20);
    assertThat(DataSize.parse("512").bytes()).isEqualTo(512);
    assertThat(DataSize.parse("2gb").bytes()).isEqualTo(2L << 30);
    assertThat(DataSize.parse("10MB")).hasToString("10MB");
    assertThat(DataSize.ofBytes(1500)).hasToString("1500B");
    assertThatThrownBy(() -> DataSize.parse("10 parsecs")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ratesAsFlaskLimiterWritesThem() {
    assertThat(Rate.parse("200/minute")).isEqualTo(new Rate(200, Duration.ofMinutes(1)));
    assertThat(Rate.parse("10/second").perSecond()).isEqualTo(10.0);
    assertThat(Rate.parse("1000 per hour")).hasToString("1000/hour");
    assertThatThrownBy(() -> Rate.parse("0/second")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Rate.parse("lots")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hostPortsIncludingIpv6() {
    assertThat(HostPort.parse("127.0.0.1:8000")).isEqualTo(new HostPort("127.0.0.1", 8000));
    assertThat(HostPort.parse("[::1]:80")).isEqualTo(new HostPort("::1", 80));
    assertThat(new HostPort("::1", 80)).hasToString("[::1]:80");
    assertThatThrownBy(() -> HostPort.parse("8000")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HostPort.parse("localhost:99999")).hasMessage("host:port with a port from 1 to 65535");
  }

  @Test
  void workersAutoIsCoresTimesTwoPlusOne() {
    assertThat(Workers.parse("auto").count(2)).isEqualTo(5);
    assertThat(Workers.parse("3").count(2)).isEqualTo(3);
    assertThatThrownBy(() -> Workers.parse("0")).hasMessage("\"auto\" or an integer from 1 to 1024");
  }

  @Test
  void secretsMaskThemselves() {
    Secret s = new Secret("hunter2");
    assertThat(s).hasToString("********");
    assertThat("key=" + s).doesNotContain("hunter2");
    assertThat(s.reveal()).isEqualTo("hunter2");
  }

  @Test
  void secretNamesFollowTheRule() {
    assertThat(SecretNames.looksSecret("secret_key")).isTrue();
    assertThat(SecretNames.looksSecret("app_settings.db_password")).isTrue();
    assertThat(SecretNames.looksSecret("app_settings.api_token")).isTrue();
    assertThat(SecretNames.looksSecret("app_settings.stripe_key")).isTrue();
    assertThat(SecretNames.looksSecret("balancer.tls.key")).isFalse();
    assertThat(SecretNames.looksSecret("balancer.listen")).isFalse();
  }
}
