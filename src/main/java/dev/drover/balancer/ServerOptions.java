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
  /**
   * Undertow's own limit is this much above the hard one, where {@link HeadScanner} cuts a head and ends it with a
   * few bytes of its own: Undertow never answers a size itself, and every head too large gets 431 with a body.
   */
  static final int PARSER_SLACK = 1024;
  /** The shortest field line: {@code a:} and CRLF. */
  private static final int MIN_FIELD_BYTES = 4;

  private ServerOptions() {
  }

  static OptionMap from(BalancerSettings settings) {
    return OptionMap.builder()
        .set(UndertowOptions.MAX_HEADER_SIZE, (int) Math.min(Integer.MAX_VALUE,
            (long) hardHeaderLimit(settings.maxHeaderSize().bytes()) + PARSER_SLACK))
        // the head's size is the limit, as for nginx: Undertow's default of 200 fields answers a bare 400 to a head
        // of 201 short fields well within max_header_size
        .set(UndertowOptions.MAX_HEADERS, hardHeaderLimit(settings.maxHeaderSize().bytes()) / MIN_FIELD_BYTES)
        // timers, not read deadlines: the parse timeout runs from the first byte of a head, the idle one from
        // accept or the end of the last request, and a client trickling a byte now and then moves neither
        .set(UndertowOptions.REQUEST_PARSE_TIMEOUT, millis(settings.readTimeout()))
        .set(UndertowOptions.NO_REQUEST_TIMEOUT, millis(settings.idleTimeout()))
        .getMap();
  }

  /**
   * Undertow answers a head above {@code MAX_HEADER_SIZE} with a bare 400 while parsing, before any handler runs,
   * so its limit is set well above the configured one and {@link RequestSanityHandler} answers 431 in between.
   * A head above this hard limit is cut by {@link HeadScanner} and answered 431 by {@link HeadCheck}; the margin
   * also lets a smaller limit set by a reload take effect at once on connections that were opened before it.
   */
  static int hardHeaderLimit(long configured) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(4 * configured, MIN_HARD_HEADER_LIMIT));
  }

  /** Where {@link HeadScanner} cuts heads on a connection opened with {@code options}. */
  static long scanLimit(OptionMap options) {
    return options.get(UndertowOptions.MAX_HEADER_SIZE, UndertowOptions.DEFAULT_MAX_HEADER_SIZE) - PARSER_SLACK;
  }

  /** 0 turns a timeout off, as it does for {@code upstream_timeout}; Undertow's "off" is -1. */
  private static int millis(Duration d) {
    return d.isZero() ? -1 : (int) Math.min(Integer.MAX_VALUE, d.toMillis());
  }
}
