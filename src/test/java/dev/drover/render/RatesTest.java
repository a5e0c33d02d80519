package dev.drover.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drover.config.Rate;
import org.junit.jupiter.api.Test;

class RatesTest {

  @Test
  void nginxKeepsSecondsAndMinutes() {
    assertThat(Rates.nginx(Rate.parse("10/second"))).isEqualTo(new Rates.NginxRate("10r/s", ""));
    assertThat(Rates.nginx(Rate.parse("200/minute"))).isEqualTo(new Rates.NginxRate("200r/m", ""));
  }

  @Test
  void nginxTurnsHoursAndDaysIntoPerMinuteAndSaysSo() {
    assertThat(Rates.nginx(Rate.parse("1000/hour")).text()).isEqualTo("17r/m");
    assertThat(Rates.nginx(Rate.parse("1000/hour")).note())
        .isEqualTo("1000/hour is written as 17r/m: nginx counts requests per second or per minute only");
    assertThat(Rates.nginx(Rate.parse("2880/day")).text()).isEqualTo("2r/m");
    // Below one per minute nginx has nothing smaller to offer.
    assertThat(Rates.nginx(Rate.parse("30/hour")).text()).isEqualTo("1r/m");
  }

  @Test
  void haproxyWindowHoldsTheBurstAtTheSameRate() {
    assertThat(Rates.haproxy(Rate.parse("200/minute"), 0)).isEqualTo(new Rates.Window("1m", 200, ""));
    assertThat(Rates.haproxy(Rate.parse("10/second"), 20)).isEqualTo(new Rates.Window("2s", 20, ""));
    assertThat(Rates.haproxy(Rate.parse("1000/hour"), 50)).isEqualTo(new Rates.Window("3m", 50, ""));
    assertThat(Rates.haproxy(Rate.parse("3/second"), 1)).isEqualTo(new Rates.Window("334ms", 1, ""));
  }

  @Test
  void haproxyWindowStopsAtTwentyFourDays() {
    Rates.Window w = Rates.haproxy(Rate.parse("1/day"), 100);

    assertThat(w.window()).isEqualTo("576h");
    assertThat(w.threshold()).isEqualTo(100);
    assertThat(w.note()).contains("24 days");
  }
}
