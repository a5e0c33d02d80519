package dev.drover.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.drover.config.DroverException;
import org.junit.jupiter.api.Test;

class FrontTest {

  @Test
  void parsesTheWordsInAnyCase() {
    assertThat(Front.parse("nginx")).isEqualTo(Front.NGINX);
    assertThat(Front.parse("HAProxy")).isEqualTo(Front.HAPROXY);
    assertThat(Front.parse(" systemd ")).isEqualTo(Front.SYSTEMD);
  }

  @Test
  void anUnknownWordNamesTheValidOnes() {
    assertThatThrownBy(() -> Front.parse("apache"))
        .isInstanceOf(DroverException.class)
        .hasMessage("unknown front 'apache': choose one of nginx, haproxy, systemd");
  }

  @Test
  void eachFrontHasItsTemplate() {
    assertThat(Front.NGINX.templateName()).isEqualTo("nginx.conf.mustache");
    assertThat(Front.HAPROXY.templateName()).isEqualTo("haproxy.cfg.mustache");
    assertThat(Front.SYSTEMD.templateName()).isEqualTo("drover.service.mustache");
  }
}
