package dev.drover.balancer;

import io.undertow.util.StatusCodes;
import java.util.List;

/**
 * The balancer's size and framing refusals as plain functions of what a request head declared, apart from any
 * exchange: {@link RequestSanityHandler} and {@link BodyLimitHandler} apply them to Undertow's exchanges, and a front
 * that parses heads itself can give the same answers.
 */
final class Verdicts {
  /** 18 digits stay below Long.MAX_VALUE. */
  private static final int MAX_LENGTH_DIGITS = 18;
  private static final String CHUNKED = "chunked";

  /** What {@code balancer.max_body} makes of a request's body. */
  enum Body {
    /** No limit is set. */
    UNLIMITED,
    /** The declared length is above the limit: 413, and the connection closes unread. */
    TOO_LARGE,
    /** The length is known and within the limit. */
    WITHIN,
    /** A body of unknown length (chunked) still to come: count it as it streams, 413 past the limit. */
    COUNT
  }

  private Verdicts() {
  }

  /**
   * @param declaredLength the Content-Length, -1 when there is none
   * @param complete true when nothing of the body is left to read (none was declared, or all of it is in)
   * @param maxBody {@code balancer.max_body} in bytes, 0 or less for none
   */
  static Body body(long declaredLength, boolean complete, long maxBody) {
    if (maxBody <= 0) {
      return Body.UNLIMITED;
    }
    if (declaredLength > maxBody) {
      return Body.TOO_LARGE;
    }
    return declaredLength < 0 && !complete ? Body.COUNT : Body.WITHIN;
  }

  /** A streamed body passed {@code maxBody} once {@code read} bytes of it were read. */
  static boolean streamedTooLarge(long read, long maxBody) {
    return read > maxBody;
  }

  /**
   * 0 when a head may go on, else the status it is refused with: 431 above {@code maxHeadBytes}, else 400 for a field
   * value with a control character, a Transfer-Encoding other than a single {@code chunked} or any in HTTP/1.0
   * (RFC 9112 section 6.1), or a Content-Length that is not a plain number a long holds.
   *
   * @param headBytes the head's size as received: request line, field lines and the empty line
   * @param valuesClean no field value holds a control character (see {@link #isFieldValue})
   * @param transferEncodings the Transfer-Encoding field values, empty when there is none
   * @param contentLength the first Content-Length value, null when there is none
   */
  static int head(long headBytes, long maxHeadBytes, boolean valuesClean, boolean http11,
      List<String> transferEncodings, String contentLength) {
    if (headBytes > maxHeadBytes) {
      return StatusCodes.REQUEST_HEADER_FIELDS_TOO_LARGE;
    }
    boolean framingPlain = (transferEncodings.isEmpty()
        || http11 && transferEncodings.size() == 1 && transferEncodings.get(0).trim().equalsIgnoreCase(CHUNKED))
        && (contentLength == null || isLength(contentLength));
    return valuesClean && framingPlain ? 0 : StatusCodes.BAD_REQUEST;
  }

  /** Plain digits, few enough for a long. */
  static boolean isLength(String value) {
    if (value.isEmpty() || value.length() > MAX_LENGTH_DIGITS) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** Any text but control characters; HTAB is whitespace and bytes above 0x7f are obsolete but allowed text. */
  static boolean isFieldValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (ChunkFraming.isControl(value.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
