package dev.drover.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A chunked body that passes max_body after the balancer's read-ahead, while it streams to the backend. */
class StreamedBodyLimitTest {
  private BalancerFixture fixture;

  @AfterEach
  void tearDown() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void aChunkedBodyPassingMaxBodyWhileStreamingIs413() throws Exception {
    fixture = BalancerFixture.start(TestSettings.balancer().maxBody("100KB").build());
    try (Socket s = new Socket(fixture.address().getAddress(), fixture.address().getPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      // the answer is read while the body is still being sent, as a client that reads and writes at once would
      CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        byte[] b = new byte[4096];
        try {
          for (int n; (n = in.read(b)) != -1; ) {
            got.write(b, 0, n);
          }
          return got.toString(StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
          return got.toString(StandardCharsets.ISO_8859_1) + "[reset: " + e.getMessage() + "]";
        }
      });
      out.write("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      String chunk = "3E8\r\n" + "x".repeat(1000) + "\r\n";
      try {
        for (int i = 0; i < 200 && !answer.isDone(); i++) {
          out.write(chunk.getBytes(StandardCharsets.ISO_8859_1));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      } catch (IOException e) {
        // closed by the balancer after its answer
      }

      String text = answer.get(10, TimeUnit.SECONDS);
      assertThat(text).startsWith("HTTP/1.1 413");
      assertThat(text).contains("413 Request Entity Too Large");
    }
  }
}
