package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drover.balancer.ChunkFraming.Result;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChunkFramingTest {
  private static Result whole(String body) {
    return new ChunkFraming().feed(bytes(body));
  }

  /** Fed one byte at a time, as a trickling client would send it. */
  private static Result trickled(String body) {
    ChunkFraming framing = new ChunkFraming();
    Result r = Result.MORE;
    for (int i = 0; i < body.length() && r == Result.MORE; i++) {
      r = framing.feed(bytes(body.substring(i, i + 1)));
    }
    return r;
  }

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void wellFramedBodiesEndWhereTheLastChunkAndTrailersEnd() {
    for (String body : new String[] {
        "5\r\nhello\r\n0\r\n\r\n",
        "5;name=value\r\nhello\r\n0\r\n\r\n",
        "5 ; name=\"quoted value\"\r\nhello\r\n0\r\n\r\n",
        "A\r\n0123456789\r\n1\r\nx\r\n0\r\nX-Checksum: 1\r\nX-Other: 2\r\n\r\n",
        "0\r\n\r\n",
        "000\r\n\r\n"}) {
      assertThat(whole(body)).as(body).isEqualTo(Result.DONE);
      assertThat(trickled(body)).as(body).isEqualTo(Result.DONE);
    }
  }

  @Test
  void countsTheDecodedBytesAndLeavesWhatFollowsTheBody() {
    ChunkFraming framing = new ChunkFraming();
    ByteBuffer buffer = bytes("A\r\n0123456789\r\n5\r\nhello\r\n0\r\n\r\nGET / HTTP/1.1\r\n");

    assertThat(framing.feed(buffer)).isEqualTo(Result.DONE);
    assertThat(framing.bodyBytes()).isEqualTo(15);
    assertThat(buffer.position()).as("the buffer is read, not consumed").isZero();
  }

  @Test
  void anUnfinishedBodyWantsMore() {
    assertThat(whole("5\r\nhel")).isEqualTo(Result.MORE);
    assertThat(whole("5\r\nhello\r\n0\r\n")).isEqualTo(Result.MORE);
    assertThat(whole("5\r\nhello\r\n0\r\nX-T: 1\r\n")).isEqualTo(Result.MORE);
  }

  @Test
  void anythingTwoParsersCouldReadDifferentlyIsInvalid() {
    for (String body : new String[] {
        "zz\r\nhello\r\n0\r\n\r\n", // not hex
        "-5\r\nhello\r\n0\r\n\r\n",
        "+5\r\nhello\r\n0\r\n\r\n",
        "0x5\r\nhello\r\n0\r\n\r\n",
        "\r\nhello\r\n0\r\n\r\n", // no size
        "1000000000000000\r\nhello\r\n0\r\n\r\n", // 16 digits
        "3\r\nhello\r\n0\r\n\r\n", // data longer than its size
        "5\r\nhelloX0\r\n\r\n", // no CRLF after the data
        "5\r\nhello\r0\r\n\r\n",
        "5\nhello\n0\n\n", // bare LF line ends
        "5\r\nhello\n0\r\n\r\n",
        "5 x\r\nhello\r\n0\r\n\r\n", // whitespace not before an extension
        "5;a\nb\r\nhello\r\n0\r\n\r\n", // a bare LF inside an extension
        "5;a\rb\r\nhello\r\n0\r\n\r\n",
        "5;a\u0000\r\nhello\r\n0\r\n\r\n",
        "0\r\nX-T: a\u0001\r\n\r\n", // a control character in a trailer
        "0\r\n X-T: folded\r\n\r\n",
        "0\r\nX-T: 1\n\r\n",
        "0\r\n\rX"}) {
      assertThat(whole(body)).as(body.replace("\r", "\\r").replace("\n", "\\n")).isEqualTo(Result.INVALID);
      assertThat(trickled(body)).as(body.replace("\r", "\\r").replace("\n", "\\n")).isEqualTo(Result.INVALID);
    }
  }
}
