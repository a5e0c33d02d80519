package dev.drover.balancer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One request head as the fast path reads it, in place in the connection's buffer, and whether the fast path may
 * take it at all. It takes only the plainest heads: {@code HTTP/1.1}, a common method, an origin-form target of
 * visible ASCII with no percent-escapes, CRLF line ends, field names of token characters and values of visible
 * ASCII, one {@code Host}, at most one plain {@code Content-Length} within {@code max_body}, at most one
 * {@code Accept-Encoding}, and none of {@code Transfer-Encoding}, {@code Upgrade}, {@code Expect}, {@code TE}, or a
 * {@code Connection} naming anything but {@code close} or {@code keep-alive}. Forwarding claims are dropped from
 * clients and passed on from trusted proxies, as {@link ForwardedHeadersHandler} and {@link TrimmedConnection} do. Anything else, malformed or only
 * unusual, is {@link Result#HANDOFF}: the connection goes to the Undertow path, which answers it as it always did,
 * so the two paths never disagree on what is allowed. The object is reused for every head on its connection.
 */
final class FastHead {
  enum Result { NEED_MORE, HANDOFF, OK }

  private static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
  /** Retried on another backend after a failure even once sent (RFC 9110 section 9.2.2). */
  private static final boolean[] IDEMPOTENT = {true, true, false, true, true, false, true};
  private static final byte[] VERSION = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final boolean[] TCHAR = new boolean[128];

  static {
    for (char c = '0'; c <= '9'; c++) {
      TCHAR[c] = true;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      TCHAR[c] = true;
      TCHAR[c - 32] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TCHAR[c] = true;
    }
  }

  /** Absolute buffer indexes: the head is [start, end), the request line [start, lineEnd) with its CRLF. */
  int start;
  int end;
  int lineEnd;
  String method;
  boolean idempotent;
  boolean head;
  /** The target as received, path and query. */
  String target;
  String path;
  /** After '?', empty when there is none. */
  String query;
  /** -1 when none was declared. */
  long contentLength;
  boolean close;
  boolean html;
  String requestId;
  String forwardedFor;
  String userAgent;
  String referer;
  /** A trusted proxy sent X-Forwarded-Proto, which passes on; else the fast path sets it. */
  boolean forwardedProto;
  /** Host's value, and a trusted proxy's X-Forwarded-Host's value and line (-1 when none), as [from, to) indexes. */
  private int hostFrom;
  private int hostTo;
  private int forwardedHostFrom;
  private int forwardedHostTo;
  private int forwardedHostLine;
  private int forwardedHostNext;
  /** The client's Accept-Encoding (passed on as it came), null when none. */
  String acceptEncoding;
  /** It accepts gzip: a compressible response is compressed, as {@link GzipHandler} does. */
  boolean gzip;
  /** Field lines not passed on, as pairs of absolute [from, to) indexes. */
  int[] dropped = new int[16];
  int droppedCount;

  private int scanned;
  private static final int BARE_LF = -2;

  /** Forgets the last head: the next one starts at {@code from}. */
  void reset() {
    scanned = -1;
  }

  /**
   * Reads the head at {@code from} in {@code buf}'s bytes up to {@code to}.
   *
   * @param maxHead {@code balancer.max_header_size}: above it the Undertow path answers 431
   * @param maxBody {@code balancer.max_body}, 0 for none: above it the Undertow path answers 413
   * @param capacity bytes the buffer can hold from {@code from}: a head that cannot fit goes to the Undertow path
   * @param trustedPeer the peer is a trusted proxy, whose forwarding claims pass on
   */
  Result parse(ByteBuffer buf, int from, int to, long maxHead, long maxBody, int capacity, boolean trustedPeer) {
    int headEnd = findEnd(buf, from, to);
    if (headEnd == BARE_LF) {
      return Result.HANDOFF; // allowed (RFC 9112 section 2.2), but the Undertow path's to read
    }
    if (headEnd < 0) {
      return to - from >= Math.min(maxHead + 1, capacity) ? Result.HANDOFF : Result.NEED_MORE;
    }
    if (headEnd - from > maxHead) {
      return Result.HANDOFF;
    }
    start = from;
    end = headEnd;
    contentLength = -1;
    close = false;
    html = false;
    requestId = null;
    forwardedFor = null;
    userAgent = null;
    referer = null;
    acceptEncoding = null;
    gzip = false;
    forwardedProto = false;
    forwardedHostLine = -1;
    droppedCount = 0;
    int p = requestLine(buf, from);
    if (p < 0) {
      return Result.HANDOFF;
    }
    lineEnd = p;
    int hosts = 0;
    boolean idSeen = false;
    while (p < headEnd - 2) {
      int nameEnd = p;
      while (nameEnd < headEnd) {
        int c = buf.get(nameEnd) & 0xff;
        if (c >= 128 || !TCHAR[c]) {
          break;
        }
        nameEnd++;
      }
      if (nameEnd == p || buf.get(nameEnd) != ':') {
        return Result.HANDOFF; // obs-fold, empty or bad name, space before the colon
      }
      int v = nameEnd + 1;
      while (buf.get(v) == ' ' || buf.get(v) == '\t') {
        v++;
      }
      int q = v;
      int c;
      while ((c = buf.get(q) & 0xff) != '\r') {
        if (c < 0x20 && c != '\t' || c >= 0x7f) {
          return Result.HANDOFF; // bare LF, NUL and other controls, obs-text
        }
        q++;
      }
      if (buf.get(q + 1) != '\n') {
        return Result.HANDOFF; // bare CR
      }
      int valueEnd = q;
      while (valueEnd > v && (buf.get(valueEnd - 1) == ' ' || buf.get(valueEnd - 1) == '\t')) {
        valueEnd--;
      }
      int lineNext = q + 2;
      switch (field(buf, p, nameEnd - p, trustedPeer)) {
        case HOST -> {
          if (++hosts > 1 || valueEnd == v) {
            return Result.HANDOFF;
          }
          hostFrom = v;
          hostTo = valueEnd;
        }
        case FORWARDED_PROTO -> {
          if (forwardedProto) {
            return Result.HANDOFF;
          }
          forwardedProto = true;
        }
        case FORWARDED_HOST -> {
          if (forwardedHostLine >= 0) {
            return Result.HANDOFF;
          }
          forwardedHostFrom = v;
          forwardedHostTo = valueEnd;
          forwardedHostLine = p;
          forwardedHostNext = lineNext;
        }
        case CONTENT_LENGTH -> {
          if (contentLength >= 0 || valueEnd - v > 18 || valueEnd == v) {
            return Result.HANDOFF;
          }
          long n = 0;
          for (int i = v; i < valueEnd; i++) {
            int d = buf.get(i) - '0';
            if (d < 0 || d > 9) {
              return Result.HANDOFF;
            }
            n = n * 10 + d;
          }
          if (maxBody > 0 && n > maxBody) {
            return Result.HANDOFF;
          }
          contentLength = n;
        }
        case CONNECTION -> {
          int tokens = connectionTokens(ascii(buf, v, valueEnd));
          if (tokens < 0) {
            return Result.HANDOFF;
          }
          close |= tokens == 1;
          drop(p, lineNext);
        }
        case DROP -> drop(p, lineNext);
        case REQUEST_ID -> {
          requestId = idSeen ? null : ascii(buf, v, valueEnd);
          idSeen = true;
          drop(p, lineNext);
        }
        case FORWARDED_FOR -> {
          if (forwardedFor != null) {
            return Result.HANDOFF;
          }
          forwardedFor = ascii(buf, v, valueEnd);
          drop(p, lineNext);
        }
        case ACCEPT -> html |= ascii(buf, v, valueEnd).contains("text/html");
        case ACCEPT_ENCODING -> {
          if (acceptEncoding != null) {
            return Result.HANDOFF; // two lines: rare, and the Undertow path reads them together
          }
          acceptEncoding = ascii(buf, v, valueEnd);
        }
        case USER_AGENT -> userAgent = ascii(buf, v, valueEnd);
        case REFERER -> referer = ascii(buf, v, valueEnd);
        case HANDOFF -> {
          return Result.HANDOFF;
        }
        case PASS -> { }
      }
      p = lineNext;
    }
    if (hosts == 0) {
      return Result.HANDOFF;
    }
    if (requestId != null && !RequestIdHandler.sane(requestId)) {
      requestId = null;
    }
    gzip = acceptEncoding != null && GzipHandler.acceptsGzip(List.of(acceptEncoding));
    if (forwardedHostLine >= 0 && sameBytes(buf, forwardedHostFrom, forwardedHostTo, hostFrom, hostTo)) {
      drop(forwardedHostLine, forwardedHostNext); // it only repeats Host, which every framework reads without it
    }
    return Result.OK;
  }

  /** The head's bytes, from its first to just past its empty line. */
  int length() {
    return end - start;
  }

  /**
   * The first index past CRLFCRLF at or after {@code from}, -1 when there is none yet, or {@link #BARE_LF} when a line
   * ends in LF alone; resumes where the last call for this head stopped.
   */
  private int findEnd(ByteBuffer buf, int from, int to) {
    int i = Math.max(from, scanned);
    for (; i < to; i++) {
      if (buf.get(i) != '\n') {
        continue;
      }
      if (i == from || buf.get(i - 1) != '\r') {
        return BARE_LF;
      }
      if (i - from >= 3 && buf.get(i - 2) == '\n' && buf.get(i - 3) == '\r') {
        scanned = -1;
        return i + 1;
      }
    }
    scanned = to;
    return -1;
  }

  /** {@code METHOD SP origin-form SP HTTP/1.1 CRLF}; the index after it, or -1. */
  private int requestLine(ByteBuffer buf, int from) {
    int sp = from;
    while (sp < end && buf.get(sp) != ' ') {
      sp++;
    }
    int m = method(buf, from, sp - from);
    if (m < 0) {
      return -1;
    }
    method = METHODS[m];
    idempotent = IDEMPOTENT[m];
    head = m == 1;
    int t = sp + 1;
    if (buf.get(t) != '/') {
      return -1;
    }
    int q = -1;
    int e = t;
    for (int c; (c = buf.get(e)) != ' '; e++) {
      if (c <= 0x20 || c >= 0x7f || c == '%' || c == '\\' || c == '#') {
        return -1; // escapes are decoded by the Undertow path, and the internal-path guard needs the decoded path
      }
      if (c == '?' && q < 0) {
        q = e;
      }
    }
    for (int i = 0; i < VERSION.length; i++) {
      if (buf.get(e + i) != VERSION[i]) {
        return -1;
      }
    }
    target = ascii(buf, t, e);
    path = q < 0 ? target : target.substring(0, q - t);
    query = q < 0 ? "" : target.substring(q - t + 1);
    if (InternalPathGuard.internal(path)) {
      return -1; // 404 from the Undertow path
    }
    return e + VERSION.length;
  }

  private static int method(ByteBuffer buf, int from, int length) {
    for (int i = 0; i < METHODS.length; i++) {
      String m = METHODS[i];
      if (m.length() == length && regionIs(buf, from, m, false)) {
        return i;
      }
    }
    return -1;
  }

  private enum Field { PASS, HOST, CONTENT_LENGTH, CONNECTION, DROP, REQUEST_ID, FORWARDED_FOR, FORWARDED_PROTO,
    FORWARDED_HOST, ACCEPT, ACCEPT_ENCODING, USER_AGENT, REFERER, HANDOFF }

  private static Field field(ByteBuffer buf, int from, int length, boolean trustedPeer) {
    switch (length) {
      case 2:
        return regionIs(buf, from, "te", true) ? Field.HANDOFF : Field.PASS;
      case 4:
        return regionIs(buf, from, "host", true) ? Field.HOST : Field.PASS;
      case 6:
        if (regionIs(buf, from, "expect", true)) {
          return Field.HANDOFF;
        }
        return regionIs(buf, from, "accept", true) ? Field.ACCEPT : Field.PASS;
      case 7:
        if (regionIs(buf, from, "upgrade", true) || regionIs(buf, from, "trailer", true)) {
          return Field.HANDOFF;
        }
        return regionIs(buf, from, "referer", true) ? Field.REFERER : Field.PASS;
      case 9:
        return regionIs(buf, from, "forwarded", true) ? claim(trustedPeer) : Field.PASS;
      case 10:
        if (regionIs(buf, from, "connection", true)) {
          return Field.CONNECTION;
        }
        if (regionIs(buf, from, "keep-alive", true)) {
          return Field.DROP;
        }
        return regionIs(buf, from, "user-agent", true) ? Field.USER_AGENT : Field.PASS;
      case 12:
        return regionIs(buf, from, "x-request-id", true) ? Field.REQUEST_ID : Field.PASS;
      case 14:
        return regionIs(buf, from, "content-length", true) ? Field.CONTENT_LENGTH : Field.PASS;
      case 15:
        if (regionIs(buf, from, "accept-encoding", true)) {
          return Field.ACCEPT_ENCODING;
        }
        return regionIs(buf, from, "x-forwarded-for", true) ? Field.FORWARDED_FOR : Field.PASS;
      case 16:
        if (regionIs(buf, from, "x-forwarded-host", true)) {
          return trustedPeer ? Field.FORWARDED_HOST : Field.DROP;
        }
        if (regionIs(buf, from, "x-forwarded-port", true)) {
          return claim(trustedPeer);
        }
        return regionIs(buf, from, "proxy-connection", true) ? Field.HANDOFF : Field.PASS;
      case 17:
        if (regionIs(buf, from, "transfer-encoding", true)) {
          return Field.HANDOFF;
        }
        if (regionIs(buf, from, "x-forwarded-proto", true)) {
          return trustedPeer ? Field.FORWARDED_PROTO : Field.DROP;
        }
        return Field.PASS;
      case 18:
        if (regionIs(buf, from, "x-forwarded-server", true)) {
          return Field.DROP; // it would name this host, which no application needs
        }
        return regionIs(buf, from, "x-forwarded-prefix", true) ? claim(trustedPeer) : Field.PASS;
      default:
        return Field.PASS;
    }
  }

  /** A forwarding claim is dropped from an untrusted client and passed on from a trusted proxy. */
  private static Field claim(boolean trustedPeer) {
    return trustedPeer ? Field.PASS : Field.DROP;
  }

  /** 1 when the tokens say close, 0 keep-alive only, -1 when they name anything else (hop-by-hop fields). */
  private static int connectionTokens(String value) {
    int close = 0;
    for (String token : value.split(",", -1)) {
      String t = token.trim();
      if (t.equalsIgnoreCase("close")) {
        close = 1;
      } else if (!t.equalsIgnoreCase("keep-alive")) {
        return -1;
      }
    }
    return close;
  }

  /** Leaves out the line [from, to); the list stays in order of position. */
  private void drop(int from, int to) {
    if (droppedCount * 2 + 2 > dropped.length) {
      dropped = java.util.Arrays.copyOf(dropped, dropped.length * 2);
    }
    int i = droppedCount;
    while (i > 0 && dropped[(i - 1) * 2] > from) {
      dropped[i * 2] = dropped[(i - 1) * 2];
      dropped[i * 2 + 1] = dropped[(i - 1) * 2 + 1];
      i--;
    }
    dropped[i * 2] = from;
    dropped[i * 2 + 1] = to;
    droppedCount++;
  }

  private static boolean sameBytes(ByteBuffer buf, int from, int to, int otherFrom, int otherTo) {
    return to - from == otherTo - otherFrom
        && buf.slice(from, to - from).equals(buf.slice(otherFrom, otherTo - otherFrom));
  }

  static boolean regionIs(ByteBuffer buf, int from, String lower, boolean ignoreCase) {
    for (int i = 0; i < lower.length(); i++) {
      int c = buf.get(from + i);
      if (ignoreCase && c >= 'A' && c <= 'Z') {
        c += 32;
      }
      if (c != lower.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  static String ascii(ByteBuffer buf, int from, int to) {
    byte[] bytes = new byte[to - from];
    buf.get(from, bytes);
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }
}
