package dev.drover.balancer;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * How an access log line reads: Apache's combined format, which log tools read without configuration, or one
 * JSON object per line for log shippers. Only the writer's thread formats, so the builders are reused freely.
 */
enum AccessLogFormat {
  /** {@code client - - [time] "METHOD uri?query PROTOCOL" status bytes "referer" "user agent"}. */
  COMBINED {
    @Override
    void append(StringBuilder out, AccessLog.Entry e) {
      out.append(client(e.client())).append(" - - [").append(clfTime(e.epochMillis())).append("] \"");
      quoted(out, e.method());
      out.append(' ');
      quoted(out, e.uri());
      if (!e.query().isEmpty()) {
        out.append('?');
        quoted(out, e.query());
      }
      out.append(' ');
      quoted(out, e.protocol());
      out.append("\" ").append(e.status()).append(' ');
      if (e.bytes() > 0) {
        out.append(e.bytes());
      } else {
        out.append('-');
      }
      out.append(" \"");
      quoted(out, e.referer() == null ? "-" : e.referer());
      out.append("\" \"");
      quoted(out, e.userAgent() == null ? "-" : e.userAgent());
      out.append("\"\n");
    }
  },
  /** The fields named in the settings reference, absent values as null. */
  JSON {
    @Override
    void append(StringBuilder out, AccessLog.Entry e) {
      out.append("{\"time\":\"").append(DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(e.epochMillis())))
          .append("\",\"client\":");
      json(out, client(e.client()));
      out.append(",\"method\":");
      json(out, e.method());
      out.append(",\"path\":");
      json(out, e.uri());
      out.append(",\"query\":");
      json(out, e.query().isEmpty() ? null : e.query());
      out.append(",\"status\":").append(e.status()).append(",\"bytes\":").append(e.bytes()).append(",\"duration_ms\":");
      long micros = e.durationNanos() / 1000;
      out.append(micros / 1000).append('.');
      long fraction = micros % 1000;
      out.append(fraction < 100 ? (fraction < 10 ? "00" : "0") : "").append(fraction);
      out.append(",\"request_id\":");
      json(out, e.requestId());
      out.append(",\"user_agent\":");
      json(out, e.userAgent());
      out.append(",\"referer\":");
      json(out, e.referer());
      out.append(",\"worker\":");
      json(out, e.worker());
      out.append("}\n");
    }
  };

  private static final DateTimeFormatter CLF_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneId.systemDefault());
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  /** The last second formatted: lines come in time order, so formatting once a second saves a microsecond a line. */
  private static ClfSecond lastSecond = new ClfSecond(Long.MIN_VALUE, "");

  /** Immutable, so a writer thread that reads a stale one only formats again. */
  private record ClfSecond(long epochSecond, String text) {
  }

  /** Appends one line, newline included. */
  abstract void append(StringBuilder out, AccessLog.Entry entry);

  /** The format {@code balancer.access_log_format} names; IllegalArgumentException for any other value. */
  static AccessLogFormat named(String name) {
    return switch (name) {
      case "combined" -> COMBINED;
      case "json" -> JSON;
      default -> throw new IllegalArgumentException("balancer.access_log_format must be \"combined\" or \"json\", not \""
          + name + "\"");
    };
  }

  static String clfTime(long epochMillis) {
    long second = Math.floorDiv(epochMillis, 1000);
    ClfSecond last = lastSecond;
    if (last.epochSecond() != second) {
      last = new ClfSecond(second, CLF_TIME.format(Instant.ofEpochSecond(second)));
      lastSecond = last;
    }
    return last.text();
  }

  private static String client(InetSocketAddress address) {
    if (address == null) {
      return "-";
    }
    return address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
  }

  private static boolean escaped(char c) {
    return c == '"' || c == '\\' || c < 0x20 || c == 0x7f;
  }

  /** Apache's escaping inside quotes: {@code \"}, {@code \\} and {@code \xhh} for control bytes, so a line stays a line. */
  private static void quoted(StringBuilder out, String s) {
    int plain = 0;
    while (plain < s.length() && !escaped(s.charAt(plain))) {
      plain++;
    }
    out.append(s, 0, plain); // most values need no escape: one copy
    for (int i = plain; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f) {
        out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
      } else {
        out.append(c);
      }
    }
  }

  private static void json(StringBuilder out, String s) {
    if (s == null) {
      out.append("null");
      return;
    }
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
