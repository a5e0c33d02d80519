package dev.drover.balancer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitReadableByteChannel;
import org.xnio.conduits.Conduits;
import org.xnio.conduits.StreamSourceConduit;

/**
 * Reads every byte a client sends on a plain HTTP/1.1 connection on its way to Undertow's parser, and holds each
 * request head to RFC 9112 where that parser is lenient and loses the evidence: Undertow ends a header line at a
 * bare CR, so {@code X-A: a<CR>X-Injected: 1} reaches a backend as two headers; it reads {@code X A: b} as a
 * header {@code X}, an empty name as a header, and folds an obs-fold line into the value. Here each of those marks
 * its head malformed, and {@link HeadCheck} answers the exchange Undertow makes of that head with 400 and closes
 * the connection, as nginx does. A bare LF as a line end stays allowed (RFC 9112 section 2.2; nginx accepts it).
 *
 * <p>It also bounds a head's size itself: a head that passes {@code limit} is cut there and ended with the few
 * bytes that make it parse, the rest of the connection is read and dropped, and the exchange is answered 431
 * with a body, where Undertow's own limit answers a bare 400.
 *
 * <p>To find where the next head starts it follows the body framing: Content-Length bytes, or chunked framing read
 * by {@link ChunkFraming}. After a body whose framing it cannot follow, the next exchange is refused, so nothing
 * parsed from bytes it did not check reaches a backend. After a malformed head, or the head of an {@code Upgrade} request, it stops looking: the first is
 * answered and closed, and the second either switches protocols or is closed by {@link HeadCheck} after its answer.
 *
 * <p>Heads are counted in order, and {@link HeadCheck} counts the exchanges: Undertow makes exactly one exchange per
 * head, in order, on the connection's IO thread, so the n-th exchange is the n-th head. Used on the IO thread only.
 */
final class HeadScanner extends AbstractStreamSourceConduit<StreamSourceConduit> {
  /** What {@link HeadCheck} should do with an exchange. */
  enum Verdict { OK, MALFORMED, TOO_LARGE, UPGRADE }

  private enum State {
    BEFORE_REQUEST, BEFORE_REQUEST_LF, METHOD, TARGET, VERSION, REQUEST_LINE_LF, FIELD_START, NAME, VALUE, VALUE_LF, END_LF,
    BODY_LENGTH, BODY_CHUNKED, STOPPED, DISCARD
  }

  /** Longest field name whose value framing depends on ({@code transfer-encoding}). */
  private static final int TRACKED_NAME = 17;
  /** Longest framing value kept; longer ones are refused anyway. */
  private static final int TRACKED_VALUE = 64;

  private final long limit;
  private State state = State.BEFORE_REQUEST;
  /** Heads started on this connection; the current one is number {@code heads - 1}. */
  private int heads;
  /** Exchanges {@link #next} has handed out. */
  private int exchanges;
  /** The head where scanning stopped and why; -1 while every head was fine. */
  private int stoppedAt = -1;
  private Verdict stoppedFor = Verdict.OK;
  private long headBytes;
  private boolean http10;
  private final StringBuilder version = new StringBuilder(8);
  private final StringBuilder name = new StringBuilder(TRACKED_NAME);
  private final StringBuilder value = new StringBuilder(TRACKED_VALUE);
  private boolean nameTracked;
  private String contentLength;
  private int lengthFields;
  private String transferEncoding;
  private int encodingFields;
  private boolean upgrade;
  private boolean host;
  private long bodyRemaining;
  private ChunkFraming chunks;
  /** Bytes that end a cut head, still to be handed over. */
  private ByteBuffer pending;
  /** A head too large to end was cut: the parser gets the end of the stream. */
  private boolean ended;

  /** @param limit the largest head let through; larger ones are cut and answered 431 */
  HeadScanner(StreamSourceConduit next, long limit) {
    super(next);
    this.limit = limit;
  }

  /** The verdict on the next exchange of this connection; call once per exchange, in order. */
  Verdict next() {
    int n = exchanges++;
    if (stoppedAt < 0 || n < stoppedAt) {
      return Verdict.OK;
    }
    return n == stoppedAt ? stoppedFor : Verdict.MALFORMED; // parsed from bytes no longer checked
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (pending != null) {
      return handOver(dst);
    }
    if (ended) {
      return -1;
    }
    if (state == State.DISCARD) {
      return discard();
    }
    if (state == State.STOPPED) {
      return next.read(dst);
    }
    int start = dst.position();
    int n = next.read(dst);
    if (n <= 0) {
      return n;
    }
    int end = scan(dst, start, start + n);
    if (end < start + n) {
      dst.position(end); // the cut head's rest is dropped, its ending comes instead
      if (pending != null) {
        handOver(dst);
      }
      return dst.position() - start;
    }
    return n;
  }

  @Override
  public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
    for (int i = offs; i < offs + len; i++) {
      if (dsts[i].hasRemaining()) {
        return read(dsts[i]);
      }
    }
    return 0;
  }

  @Override
  public long transferTo(long position, long count, FileChannel target) throws IOException {
    return target.transferFrom(new ConduitReadableByteChannel(this), position, count);
  }

  @Override
  public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
    return Conduits.transfer(this, count, throughBuffer, target);
  }

  private int handOver(ByteBuffer dst) {
    int n = Math.min(dst.remaining(), pending.remaining());
    ByteBuffer part = pending.duplicate();
    part.limit(part.position() + n);
    dst.put(part);
    pending.position(pending.position() + n);
    if (!pending.hasRemaining()) {
      pending = null;
    } else {
      next.wakeupReads(); // there is more for the parser although the socket may have nothing
    }
    return n;
  }

  /** After a cut the connection is only answered and closed: what else comes is read off the socket and dropped. */
  private int discard() throws IOException {
    ByteBuffer sink = ByteBuffer.allocate(4096);
    while (true) {
      sink.clear();
      int n = next.read(sink);
      if (n <= 0) {
        return n;
      }
    }
  }

  /**
   * Scans {@code buffer[from, to)}; returns where the bytes handed on end: {@code to}, or where a head was cut.
   */
  private int scan(ByteBuffer buffer, int from, int to) {
    int i = from;
    while (i < to) {
      switch (state) {
        case STOPPED, DISCARD -> {
          return to;
        }
        case BODY_LENGTH -> {
          long take = Math.min(bodyRemaining, to - i);
          i += (int) take;
          bodyRemaining -= take;
          if (bodyRemaining == 0) {
            state = State.BEFORE_REQUEST;
          }
        }
        case BODY_CHUNKED -> {
          ChunkFraming.Result r = chunks.feed(buffer.duplicate().limit(to).position(i));
          if (r == ChunkFraming.Result.INVALID) {
            // ChunkedBodyCheck answers 400 when it reads these bytes; past its read-ahead Undertow's decoder may read
            // them some other way, so whatever it takes for a next request is refused
            stoppedAt = heads;
            stoppedFor = Verdict.MALFORMED;
            state = State.STOPPED;
            return to;
          }
          if (r == ChunkFraming.Result.MORE) {
            return to;
          }
          i = chunks.end();
          chunks = null;
          state = State.BEFORE_REQUEST;
        }
        default -> {
          int b = buffer.get(i) & 0xff;
          if (state != State.BEFORE_REQUEST && state != State.BEFORE_REQUEST_LF && ++headBytes > limit) {
            return cut(i);
          }
          i++;
          step(b);
        }
      }
    }
    return to;
  }

  private void step(int b) {
    switch (state) {
      case BEFORE_REQUEST -> {
        if (b == '\r') {
          state = State.BEFORE_REQUEST_LF;
        } else if (b != '\n') { // empty lines before a request are ignored (RFC 9112 section 2.2)
          startHead();
          state = State.METHOD;
          headBytes = 1;
          method(b);
        }
      }
      case BEFORE_REQUEST_LF -> {
        if (b == '\n') {
          state = State.BEFORE_REQUEST;
        } else {
          startHead();
          malformed();
        }
      }
      case METHOD -> method(b);
      case TARGET -> {
        if (b == ' ') {
          state = State.VERSION;
        } else if (b <= 0x20 || b == 0x7f) {
          malformed();
        }
      }
      case VERSION -> {
        if (b == '\r') {
          state = State.REQUEST_LINE_LF;
        } else if (b == '\n') {
          endRequestLine();
        } else if (b <= 0x20 || b >= 0x7f || version.length() >= 8) {
          malformed();
        } else {
          version.append((char) b);
        }
      }
      case REQUEST_LINE_LF -> {
        if (b == '\n') {
          endRequestLine();
        } else {
          malformed(); // a bare CR
        }
      }
      case FIELD_START -> {
        if (b == '\r') {
          state = State.END_LF;
        } else if (b == '\n') {
          endHead();
        } else if (isTokenChar(b)) {
          state = State.NAME;
          name.setLength(0);
          nameTracked = true;
          name(b);
        } else {
          malformed(); // obs-fold, whitespace before a name, an empty name, a control byte
        }
      }
      case NAME -> {
        if (b == ':') {
          state = State.VALUE;
          value.setLength(0);
          endName();
        } else if (isTokenChar(b)) {
          name(b);
        } else {
          malformed(); // whitespace in or after a name, a control byte
        }
      }
      case VALUE -> {
        if (b == '\r') {
          state = State.VALUE_LF;
        } else if (b == '\n') {
          endField();
        } else if (ChunkFraming.isControl(b)) {
          malformed();
        } else if (nameTracked && value.length() < TRACKED_VALUE) {
          value.append((char) b);
        } else if (nameTracked) {
          value.append('?'); // too long to be a valid framing value: keep it invalid
        }
      }
      case VALUE_LF -> {
        if (b == '\n') {
          endField();
        } else {
          malformed(); // a bare CR inside a value
        }
      }
      case END_LF -> {
        if (b == '\n') {
          endHead();
        } else {
          malformed();
        }
      }
      default -> throw new IllegalStateException(state.name());
    }
  }

  private void startHead() {
    heads++;
    headBytes = 0;
    version.setLength(0);
    contentLength = null;
    lengthFields = 0;
    transferEncoding = null;
    encodingFields = 0;
    upgrade = false;
    host = false;
  }

  private void method(int b) {
    if (b == ' ') {
      state = State.TARGET;
    } else if (!isTokenChar(b)) {
      malformed();
    }
  }

  private void endRequestLine() {
    String v = version.toString();
    if (!v.startsWith("HTTP/")) {
      malformed();
      return;
    }
    http10 = v.equals("HTTP/1.0");
    state = State.FIELD_START;
  }

  private void name(int b) {
    if (nameTracked) {
      if (name.length() < TRACKED_NAME) {
        name.append((char) (b | 0x20)); // lower case for letters; other token chars never match a tracked name
      } else {
        nameTracked = false;
      }
    }
  }

  private void endName() {
    if (nameTracked) {
      String n = name.toString();
      nameTracked = n.equals("content-length") || n.equals("transfer-encoding") || n.equals("upgrade")
          || n.equals("host");
    }
  }

  private void endField() {
    state = State.FIELD_START;
    if (!nameTracked) {
      return;
    }
    String v = value.toString().strip();
    switch (name.toString()) {
      case "content-length" -> {
        lengthFields++;
        contentLength = v;
      }
      case "transfer-encoding" -> {
        encodingFields++;
        transferEncoding = v;
      }
      case "upgrade" -> upgrade = true;
      case "host" -> host = true;
      default -> {
        // not tracked
      }
    }
  }

  /** The head ended; find how its body is framed, the same way {@link RequestSanityHandler} allows it. */
  private void endHead() {
    if (transferEncoding != null) {
      if (contentLength != null || encodingFields > 1 || http10 || !transferEncoding.equalsIgnoreCase("chunked")) {
        malformed();
        return;
      }
      chunks = new ChunkFraming();
      state = State.BODY_CHUNKED;
    } else if (contentLength != null) {
      long length = lengthFields == 1 ? parseLength(contentLength) : -1;
      if (length < 0) {
        malformed();
        return;
      }
      bodyRemaining = length;
      state = length == 0 ? State.BEFORE_REQUEST : State.BODY_LENGTH;
    } else {
      state = State.BEFORE_REQUEST;
    }
    if (upgrade) {
      stop(Verdict.UPGRADE); // what follows may be another protocol
    }
  }

  private static long parseLength(String v) {
    if (v.isEmpty() || v.length() > 18) {
      return -1;
    }
    long n = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  private void malformed() {
    stop(Verdict.MALFORMED);
  }

  private void stop(Verdict why) {
    stoppedAt = heads - 1;
    stoppedFor = why;
    state = State.STOPPED;
  }

  /**
   * The head passed the limit at {@code at}: what was read up to there goes on, followed by the shortest ending
   * that makes it a head Undertow parses (with a Host, which Undertow requires of HTTP/1.1 before any handler runs).
   */
  private int cut(int at) {
    String hostLine = host ? "" : "Host: cut\r\n";
    String ending = switch (state) {
      case TARGET -> " HTTP/1.1\r\n" + hostLine + "\r\n";
      case FIELD_START -> hostLine + "\r\n";
      case NAME -> ": cut\r\n" + hostLine + "\r\n";
      case VALUE -> "\r\n" + hostLine + "\r\n";
      case VALUE_LF -> "\n" + hostLine + "\r\n";
      case END_LF -> "\n";
      default -> null; // a request line of that size is no request: the connection just closes
    };
    stoppedAt = heads - 1;
    stoppedFor = Verdict.TOO_LARGE;
    state = State.DISCARD;
    if (ending == null) {
      ended = true;
      next.wakeupReads(); // the parser reads again and finds the end
    } else {
      pending = ByteBuffer.wrap(ending.getBytes(StandardCharsets.ISO_8859_1));
    }
    return at;
  }

  /** RFC 9110 tchar. */
  static boolean isTokenChar(int b) {
    if (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9') {
      return true;
    }
    return b < 0x7f && b > 0x20 && "!#$%&'*+-.^_`|~".indexOf(b) >= 0;
  }
}
