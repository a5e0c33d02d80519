package dev.drover.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdminAuthTest {
  @Test
  void onlyLoopbackHostNamesCountAsLocal() {
    assertThat(AdminAuth.loopbackHost("127.0.0.1:9100")).isTrue();
    assertThat(AdminAuth.loopbackHost("localhost")).isTrue();
    assertThat(AdminAuth.loopbackHost("LOCALHOST:80")).isTrue();
    assertThat(AdminAuth.loopbackHost("[::1]:9100")).isTrue();
    assertThat(AdminAuth.loopbackHost("127.1.2.3")).isTrue();
    assertThat(AdminAuth.loopbackHost("evil.example:9100")).as("a rebound name").isFalse();
    assertThat(AdminAuth.loopbackHost("127.0.0.1.evil.example")).isFalse();
    assertThat(AdminAuth.loopbackHost("[::2]")).isFalse();
    assertThat(AdminAuth.loopbackHost(null)).isFalse();
  }

  @Test
  void tokensCompareWhole() {
    assertThat(AdminAuth.sameToken("abc", "abc")).isTrue();
    assertThat(AdminAuth.sameToken("abc", "abcd")).isFalse();
    assertThat(AdminAuth.sameToken("", "abc")).isFalse();
    assertThat(AdminAuth.sameToken("abd", "abc")).isFalse();
  }
}
