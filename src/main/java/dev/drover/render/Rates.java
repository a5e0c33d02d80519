package dev.drover.render;

import dev.drover.config.Durations;
import dev.drover.config.Rate;
import java.time.Duration;

/** Writes drover's rates ({@code "10/second"}, {@code "1000/hour"}) in the terms each front understands. */
final class Rates {
  /** HAProxy keeps stick-table periods and expiries in milliseconds as a signed 32-bit number. */
  private static final long HAPROXY_MAX_WINDOW_MS = Duration.ofDays(24).toMillis();

  /** An nginx {@code rate=} value, with a note for the file when it is not the rate as written. */
  record NginxRate(String text, String note) {
  }

  /**
   * A HAProxy limit: at most {@code threshold} requests in any sliding {@code window}. A token bucket of
   * {@code burst} refilled at {@code count/period} lets a client send {@code burst} at once and then the
   * rate; a window of {@code burst / rate} holding {@code burst} requests allows the same.
   */
  record Window(String window, long threshold, String note) {
  }

  private Rates() {
  }

  /** The bucket size drover uses: the rule's burst, or the limit's own count when the burst is 0. */
  static long bucket(Rate rate, int burst) {
    return burst > 0 ? burst : rate.count();
  }

  static NginxRate nginx(Rate rate) {
    long seconds = rate.period().toSeconds();
    if (seconds == 1) {
      return new NginxRate(rate.count() + "r/s", "");
    }
    if (seconds == 60) {
      return new NginxRate(rate.count() + "r/m", "");
    }
    long perMinute = Math.max(1, Math.round(rate.count() * 60.0 / seconds));
    return new NginxRate(perMinute + "r/m",
        rate + " is written as " + perMinute + "r/m: nginx counts requests per second or per minute only");
  }

  static Window haproxy(Rate rate, int burst) {
    long bucket = bucket(rate, burst);
    long millis = Math.max(1, ceilDiv(bucket * rate.period().toMillis(), rate.count()));
    String note = "";
    if (millis > HAPROXY_MAX_WINDOW_MS) {
      note = rate + " with burst " + bucket + " needs a window longer than HAProxy's 24 days; 24 days are used";
      millis = HAPROXY_MAX_WINDOW_MS;
    }
    return new Window(Durations.format(Duration.ofMillis(millis)), bucket, note);
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
