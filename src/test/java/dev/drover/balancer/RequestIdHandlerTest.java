package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestIdHandlerTest {

  @Test
  void keepsShortIdsOfSafeCharacters() {
    assertThat(RequestIdHandler.sane("abc-123")).isTrue();
    assertThat(RequestIdHandler.sane("f47ac10b-58cc-4372-a567-0e02b2c3d479")).isTrue();
    assertThat(RequestIdHandler.sane("Root=1-5759e988-bd862e3fe1be46a994272793")).isTrue();
    assertThat(RequestIdHandler.sane("x".repeat(RequestIdHandler.MAX_LENGTH))).isTrue();
  }

  @Test
  void refusesEmptyLongOrOddIds() {
    assertThat(RequestIdHandler.sane(null)).isFalse();
    assertThat(RequestIdHandler.sane("")).isFalse();
    assertThat(RequestIdHandler.sane("x".repeat(RequestIdHandler.MAX_LENGTH + 1))).isFalse();
    assertThat(RequestIdHandler.sane("a b")).isFalse();
    assertThat(RequestIdHandler.sane("<script>")).isFalse();
    assertThat(RequestIdHandler.sane("id\u00e9")).isFalse();
  }

  @Test
  void generatesDistinctHexIds() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String id = RequestIdHandler.generate();
      assertThat(id).matches("[0-9a-f]{32}");
      ids.add(id);
    }
    assertThat(ids).hasSize(1000);
  }
}
