package dev.drover.balancer;

import dev.drover.config.BalancerSettings;
import io.undertow.UndertowOptions;
import java.time.Duration;
import org.xnio.OptionMap;

/**
 * The Undertow options the front listener parses requests with. They are read when a connection opens: a change
 * applies to connections opened from then on, open ones keep what they started with.
 */
final class ServerOptions {
  /** Undertow's hard head limit is at least this, whatever {@code balancer.max_header_size} says. */
  static final int MIN_HARD_HEADER_LIMIT = 64 * 1024;

  private ServerOptions() {
  }

  static OptionMap from(BalancerSettings settings) {
    return OptionMap.builder()
        .set(UndertowOptions.MAX_HEADER_SIZE, hardHeaderLimit(settings.maxHeaderSize().bytes()))
        // timers, not read deadlines: the parse timeout runs from the first byte of a head, the idle one from
        // accept or the end of the last request, and a client trickling a byte now and then moves neither
        .set(UndertowOptions.REQUEST_PARSE_TIMEOUT, millis(settings.readTimeout()))
        .set(UndertowOptions.NO_REQUEST_TIMEOUT, millis(settings.idleTimeout()))
        .getMap();
  }

  /**
   * Undertow answers a head above {@code MAX_HEADER_SIZE} with a bare 400 while parsing, before any handler runs,
   * so its limit is set well above the configured one and {@link RequestSanityHandler} answers 431 in between.
   * A head above this hard limit still gets Undertow's 400; the margin also lets a smaller limit set by a reload
   * take effect at once on connections that were opened before it.
   */
  static int hardHeaderLimit(long configured) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(4 * configured, MIN_HARD_HEADER_LIMIT));
  }

  /** 0 turns a timeout off, as it does for {@code upstream_timeout}; Undertow's "off" is -1. */
  private static int millis(Duration d) {
    return d.isZero() ? -1 : (int) Math.min(Integer.MAX_VALUE, d.toMillis());
  }
}
