package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Which heads the fast path takes, and what it reads from them. */
class FastHeadTest {
  private static final long MAX_HEAD = 8 * 1024;
  private static final long MAX_BODY = 1024;
  private final FastHead head = new FastHead();

  private FastHead.Result parse(String text) {
    return parse(text, false);
  }

  private FastHead.Result parse(String text, boolean trustedPeer) {
    ByteBuffer buf = ByteBuffer.allocateDirect(16 * 1024);
    buf.put(text.getBytes(StandardCharsets.ISO_8859_1));
    head.reset();
    return head.parse(buf, 0, buf.position(), MAX_HEAD, MAX_BODY, buf.capacity(), trustedPeer);
  }

  @Test
  void aPlainRequestIsTakenAndRead() {
    assertThat(parse("POST /cart/add?id=7 HTTP/1.1\r\nHost: shop\r\nContent-Length: 12\r\nAccept: text/html\r\n"
        + "X-Request-Id: abc\r\nX-Forwarded-For: 10.0.0.1\r\nConnection: close\r\nUser-Agent: t/1\r\n\r\n"))
        .isEqualTo(FastHead.Result.OK);
    assertThat(head.method).isEqualTo("POST");
    assertThat(head.idempotent).isFalse();
    assertThat(head.path).isEqualTo("/cart/add");
    assertThat(head.query).isEqualTo("id=7");
    assertThat(head.contentLength).isEqualTo(12);
    assertThat(head.html).isTrue();
    assertThat(head.close).isTrue();
    assertThat(head.requestId).isEqualTo("abc");
    assertThat(head.forwardedFor).isEqualTo("10.0.0.1");
    assertThat(head.userAgent).isEqualTo("t/1");
    assertThat(head.droppedCount).as("X-Request-Id, X-Forwarded-For and Connection are rewritten").isEqualTo(3);
  }

  @Test
  void anUnfinishedHeadWaitsForMore() {
    assertThat(parse("GET / HTTP/1.1\r\nHost: x\r\n")).isEqualTo(FastHead.Result.NEED_MORE);
    assertThat(parse("GET / HTTP/1.1\r\nHost: x\r\n\r")).isEqualTo(FastHead.Result.NEED_MORE);
  }

  @Test
  void anythingUnusualGoesToTheUndertowPath() {
    String[] handedOver = {
        "GET / HTTP/1.0\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.1\r\n\r\n", // no Host
        "GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
        "GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /%5Fdrover/ HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /_drover/health HTTP/1.1\r\nHost: x\r\n\r\n",
        "BREW / HTTP/1.1\r\nHost: x\r\n\r\n",
        "CONNECT x:443 HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.1\nHost: x\n\n", // bare LF: allowed, but read by the Undertow path
        "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rX-Injected: 1\r\n\r\n", // bare CR
        "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n folded\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nX A: b\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nX-A : b\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nX-A: caf\u00e9\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2048\r\n\r\n", // over max_body: 413 there
        "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n",
        "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, X-Secret\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nAccept-Encoding: br\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nTE: trailers\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 1.1.1.1\r\nX-Forwarded-For: 2.2.2.2\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(9 * 1024) + "\r\n\r\n", // over max_header_size: 431 there
    };
    for (String h : handedOver) {
      assertThat(parse(h)).as(h).isEqualTo(FastHead.Result.HANDOFF);
    }
  }

  @Test
  void forwardingClaimsAreDroppedFromClientsButLeftToTheUndertowPathFromTrustedProxies() {
    String claims = "GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-Proto: https\r\nForwarded: for=1.2.3.4\r\n\r\n";

    assertThat(parse(claims, false)).isEqualTo(FastHead.Result.OK);
    assertThat(head.droppedCount).isEqualTo(2);
    assertThat(head.forwardedProto).isFalse();
    assertThat(parse(claims, true)).isEqualTo(FastHead.Result.OK);
    assertThat(head.droppedCount).isZero();
    assertThat(head.forwardedProto).isTrue();
    // a trusted X-Forwarded-Host that only repeats Host is left out; X-Forwarded-Server always is
    assertThat(parse("GET / HTTP/1.1\r\nX-Forwarded-Host: shop\r\nX-Forwarded-Server: lb\r\nHost: shop\r\n\r\n", true))
        .isEqualTo(FastHead.Result.OK);
    assertThat(head.droppedCount).isEqualTo(2);
    assertThat(head.dropped[0]).isLessThan(head.dropped[2]);
    assertThat(parse("GET / HTTP/1.1\r\nHost: shop\r\nX-Forwarded-Host: other\r\n\r\n", true))
        .isEqualTo(FastHead.Result.OK);
    assertThat(head.droppedCount).isZero();
  }

  @Test
  void anUnsafeRequestIdIsNotKept() {
    assertThat(parse("GET / HTTP/1.1\r\nHost: x\r\nX-Request-Id: <script>\r\n\r\n")).isEqualTo(FastHead.Result.OK);
    assertThat(head.requestId).isNull();
    assertThat(parse("GET / HTTP/1.1\r\nHost: x\r\nX-Request-Id: a\r\nX-Request-Id: b\r\n\r\n"))
        .isEqualTo(FastHead.Result.OK);
    assertThat(head.requestId).as("two ids: neither is believed").isNull();
  }

  @Test
  void aChunkedBodysEndIsFoundAcrossReads() {
    String body = "4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nTrailer: t\r\n\r\nNEXT";
    ByteBuffer b = ByteBuffer.wrap(body.getBytes(StandardCharsets.ISO_8859_1));
    int end = body.indexOf("NEXT");
    for (int split = 0; split <= end; split++) {
      FastFront.ChunkEnd chunks = new FastFront.ChunkEnd();
      chunks.reset();
      int first = chunks.feed(b, 0, split);
      int found = first >= 0 ? first : chunks.feed(b, split, body.length());
      assertThat(found).as("split at " + split).isEqualTo(end);
    }
    FastFront.ChunkEnd broken = new FastFront.ChunkEnd();
    broken.reset();
    assertThat(broken.feed(ByteBuffer.wrap("zz\r\n".getBytes(StandardCharsets.ISO_8859_1)), 0, 4))
        .isEqualTo(FastFront.ChunkEnd.BROKEN);
  }
}
