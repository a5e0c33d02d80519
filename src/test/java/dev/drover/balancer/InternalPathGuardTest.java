package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InternalPathGuardTest {

  @Test
  void catchesTheInternalPrefixHoweverItIsSpelled() {
    assertThat(InternalPathGuard.internal("/_drover/health")).isTrue();
    assertThat(InternalPathGuard.internal("/_drover")).isTrue();
    assertThat(InternalPathGuard.internal("/_drover/")).isTrue();
    assertThat(InternalPathGuard.internal("/a/../_drover/health")).isTrue();
    assertThat(InternalPathGuard.internal("/./_drover/health")).isTrue();
    assertThat(InternalPathGuard.internal("//_drover/health")).isTrue();
    assertThat(InternalPathGuard.internal("\\_drover\\health")).isTrue();
    assertThat(InternalPathGuard.internal("/_Drover/health")).isTrue();
    assertThat(InternalPathGuard.internal("/_drover;x=1/health")).isTrue();
  }

  @Test
  void leavesOtherPathsAlone() {
    assertThat(InternalPathGuard.internal("/")).isFalse();
    assertThat(InternalPathGuard.internal("/_droverx")).isFalse();
    assertThat(InternalPathGuard.internal("/app/_drover/health")).isFalse();
    assertThat(InternalPathGuard.internal("/drover/health")).isFalse();
  }
}
