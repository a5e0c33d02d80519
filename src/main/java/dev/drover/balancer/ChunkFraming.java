package dev.drover.balancer;

import java.nio.ByteBuffer;

/**
 * A strict reader of chunked framing (RFC 9112 section 7.1), fed raw bytes as they arrive. Stricter than
 * Undertow's own decoder on purpose: every line must end in CRLF, chunk data must be followed by exactly CRLF, a
 * size is plain hex, and no control characters appear in extensions or trailers. Requests are smuggled through
 * framing that two parsers read differently, so anything unusual is refused rather than interpreted.
 */
final class ChunkFraming {
  enum Result { MORE, DONE, INVALID }

  /** 15 hex digits stay below 2^60: no overflow, and far above any body we accept. */
  private static final int MAX_SIZE_DIGITS = 15;

  private enum State {
    SIZE, SIZE_SPACE, EXTENSION, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER_START, TRAILER, TRAILER_LF, END_LF
  }

  private State state = State.SIZE;
  private int sizeDigits;
  private long chunkRemaining;
  private long bodyBytes;
  private boolean lastChunk;
  private Result result = Result.MORE;
  private int stoppedAt;

  /** Reads {@code buffer} from its position to its limit without moving either; stops at the end of the body. */
  Result feed(ByteBuffer buffer) {
    int i = buffer.position();
    int end = buffer.limit();
    while (i < end && result == Result.MORE) {
      if (state == State.DATA) {
        int take = (int) Math.min(chunkRemaining, end - i);
        i += take;
        chunkRemaining -= take;
        bodyBytes += take;
        if (chunkRemaining == 0) {
          state = State.DATA_CR;
        }
        continue;
      }
      step(buffer.get(i++) & 0xff);
    }
    stoppedAt = i;
    return result;
  }

  /** The index just past the last byte the last {@link #feed} read: past the body's end once it is DONE. */
  int end() {
    return stoppedAt;
  }

  /** Decoded body bytes seen so far. */
  long bodyBytes() {
    return bodyBytes;
  }

  private void step(int b) {
    switch (state) {
      case SIZE -> {
        int digit = Character.digit(b, 16);
        if (digit >= 0 && sizeDigits < MAX_SIZE_DIGITS) {
          sizeDigits++;
          chunkRemaining = chunkRemaining * 16 + digit;
        } else if (sizeDigits > 0 && b == ';') {
          state = State.EXTENSION;
        } else if (sizeDigits > 0 && (b == ' ' || b == '\t')) {
          state = State.SIZE_SPACE; // whitespace only before an extension: "5 x" is not a size
        } else if (sizeDigits > 0 && b == '\r') {
          state = State.SIZE_LF;
        } else {
          result = Result.INVALID;
        }
      }
      case SIZE_SPACE -> {
        if (b == ';') {
          state = State.EXTENSION;
        } else if (b != ' ' && b != '\t') {
          result = Result.INVALID;
        }
      }
      case EXTENSION -> {
        if (b == '\r') {
          state = State.SIZE_LF;
        } else if (isControl(b)) {
          result = Result.INVALID;
        }
      }
      case SIZE_LF -> {
        if (b != '\n') {
          result = Result.INVALID;
        } else if (chunkRemaining == 0) {
          lastChunk = true;
          state = State.TRAILER_START;
        } else {
          state = State.DATA;
        }
      }
      case DATA_CR -> expect(b, '\r', State.DATA_LF);
      case DATA_LF -> {
        if (b == '\n') {
          state = State.SIZE;
          sizeDigits = 0;
        } else {
          result = Result.INVALID;
        }
      }
      case TRAILER_START -> {
        if (b == '\r') {
          state = State.END_LF;
        } else if (isControl(b) || b == ' ' || b == ':') {
          result = Result.INVALID; // a trailer line starts with a field name
        } else {
          state = State.TRAILER;
        }
      }
      case TRAILER -> {
        if (b == '\r') {
          state = State.TRAILER_LF;
        } else if (isControl(b)) {
          result = Result.INVALID;
        }
      }
      case TRAILER_LF -> expect(b, '\n', State.TRAILER_START);
      case END_LF -> {
        if (b == '\n' && lastChunk) {
          result = Result.DONE;
        } else {
          result = Result.INVALID;
        }
      }
      default -> throw new IllegalStateException(state.name());
    }
  }

  private void expect(int b, char wanted, State next) {
    if (b == wanted) {
      state = next;
    } else {
      result = Result.INVALID;
    }
  }

  /** Control characters other than HTAB, which is whitespace; a bare CR or LF is one of them. */
  static boolean isControl(int b) {
    return (b < 0x20 && b != '\t') || b == 0x7f;
  }
}
