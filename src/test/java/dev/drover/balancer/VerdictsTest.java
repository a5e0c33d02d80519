package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class VerdictsTest {
  private static final long MAX_HEAD = 8192;

  @Test
  void aBodyIsJudgedByItsDeclaredLengthOrCountedWhenItHasNone() {
    assertThat(Verdicts.body(5_000, false, 0)).isEqualTo(Verdicts.Body.UNLIMITED);
    assertThat(Verdicts.body(1_001, false, 1_000)).isEqualTo(Verdicts.Body.TOO_LARGE);
    assertThat(Verdicts.body(1_000, false, 1_000)).isEqualTo(Verdicts.Body.WITHIN);
    assertThat(Verdicts.body(-1, true, 1_000)).isEqualTo(Verdicts.Body.WITHIN); // no body at all
    assertThat(Verdicts.body(-1, false, 1_000)).isEqualTo(Verdicts.Body.COUNT); // chunked, still coming
    assertThat(Verdicts.streamedTooLarge(1_000, 1_000)).isFalse();
    assertThat(Verdicts.streamedTooLarge(1_001, 1_000)).isTrue();
  }

  @Test
  void aHeadAboveTheLimitIs431WhateverElseIsWrongWithIt() {
    assertThat(Verdicts.head(MAX_HEAD, MAX_HEAD, true, true, List.of(), null)).isZero();
    assertThat(Verdicts.head(MAX_HEAD + 1, MAX_HEAD, false, false, List.of("gzip"), "x")).isEqualTo(431);
  }

  @Test
  void onlyASingleChunkedTransferEncodingInHttp11Passes() {
    assertThat(Verdicts.head(100, MAX_HEAD, true, true, List.of("chunked"), null)).isZero();
    assertThat(Verdicts.head(100, MAX_HEAD, true, true, List.of(" Chunked "), null)).isZero();
    assertThat(Verdicts.head(100, MAX_HEAD, true, false, List.of("chunked"), null)).isEqualTo(400);
    assertThat(Verdicts.head(100, MAX_HEAD, true, true, List.of("gzip, chunked"), null)).isEqualTo(400);
    assertThat(Verdicts.head(100, MAX_HEAD, true, true, List.of("xchunked"), null)).isEqualTo(400);
    assertThat(Verdicts.head(100, MAX_HEAD, true, true, List.of("chunked", "chunked"), null)).isEqualTo(400);
  }

  @Test
  void contentLengthMustBePlainDigitsALongHolds() {
    assertThat(Verdicts.head(100, MAX_HEAD, true, true, List.of(), "0")).isZero();
    assertThat(Verdicts.head(100, MAX_HEAD, true, false, List.of(), "123456789012345678")).isZero();
    assertThat(Verdicts.head(100, MAX_HEAD, true, true, List.of(), "1234567890123456789")).isEqualTo(400);
    for (String bad : List.of("", "-1", "+5", "1e3", " 5", "0x10")) {
      assertThat(Verdicts.head(100, MAX_HEAD, true, true, List.of(), bad)).as(bad).isEqualTo(400);
    }
  }

  @Test
  void aControlCharacterInAFieldValueIs400() {
    assertThat(Verdicts.isFieldValue("text/html; q=0.9\tand caf\u00e9")).isTrue();
    assertThat(Verdicts.isFieldValue("a\u0000b")).isFalse();
    assertThat(Verdicts.isFieldValue("a\u007fb")).isFalse();
    assertThat(Verdicts.head(100, MAX_HEAD, false, true, List.of(), null)).isEqualTo(400);
  }
}
