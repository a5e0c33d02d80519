package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {

  @Test
  void labelValuesEscapeBackslashQuoteAndNewline() {
    String text = new PrometheusText()
        .family("drover_x_total", "counter", "x")
        .sample("drover_x_total", "worker", "a\"b\\c\nd", 3)
        .text();

    assertThat(text).isEqualTo("# HELP drover_x_total x\n# TYPE drover_x_total counter\n"
        + "drover_x_total{worker=\"a\\\"b\\\\c\\nd\"} 3\n");
  }

  @Test
  void helpEscapesBackslashAndNewlineButNotQuotes() {
    assertThat(PrometheusText.escapeHelp("say \"hi\"\\\nbye")).isEqualTo("say \"hi\"\\\\\\nbye");
    assertThat(PrometheusText.escapeLabelValue("plain")).isEqualTo("plain");
    assertThat(PrometheusText.escapeLabelValue("")).isEmpty();
  }

  @Test
  void numbersAreWrittenAsPrometheusParsesThem() {
    assertThat(PrometheusText.number(1)).isEqualTo("1");
    assertThat(PrometheusText.number(10)).isEqualTo("10");
    assertThat(PrometheusText.number(0.0025)).isEqualTo("0.0025");
    assertThat(PrometheusText.number(2.5)).isEqualTo("2.5");
    assertThat(PrometheusText.number(0)).isEqualTo("0");
    assertThat(PrometheusText.number(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    assertThat(PrometheusText.number(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
    assertThat(PrometheusText.number(Double.NaN)).isEqualTo("NaN");
    assertThat(Double.parseDouble(PrometheusText.number(1e-7))).isEqualTo(1e-7);
  }

  @Test
  void samplesWithoutLabelsAndFloats() {
    String text = new PrometheusText()
        .family("drover_s", "gauge", "s")
        .sample("drover_s", 0.5)
        .sample("drover_s", 7L)
        .text();

    assertThat(text.lines()).containsExactly("# HELP drover_s s", "# TYPE drover_s gauge", "drover_s 0.5", "drover_s 7");
  }

  @Test
  void badNamesAreRefused() {
    assertThatThrownBy(() -> new PrometheusText().sample("drover-x", 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PrometheusText().sample("drover_x", "le-x", "1", 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
