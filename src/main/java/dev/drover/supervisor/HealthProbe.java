package dev.drover.supervisor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Asks a worker's health endpoint, on a fresh connection so a stuck pool cannot fake an answer. */
final class HealthProbe {
  static final String PATH = "/_drover/health";
  /** Lower case, as the answer's head is compared. */
  static final String PID_HEADER = "x-drover-pid";

  private HealthProbe() {
  }

  /**
   * True when the worker with that pid answers 200 on the port. The pid matters: the port was free when the
   * supervisor picked it, but another program may have taken it before the worker could bind it, and a
   * stranger's 200 must not get it admitted (it would be sent this cluster's traffic). A pid of 0 or less
   * is not checked.
   */
  static boolean answers(String host, int port, int timeoutMillis, long pid) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), timeoutMillis);
      s.setSoTimeout(timeoutMillis);
      OutputStream out = s.getOutputStream();
      out.write(("GET " + PATH + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String head = head(s.getInputStream());
      if (!head.startsWith("HTTP/1.1 200")) {
        return false;
      }
      return pid <= 0 || head.toLowerCase(Locale.ROOT).contains("\r\n" + PID_HEADER + ": " + pid + "\r\n");
    } catch (IOException e) {
      return false;
    }
  }

  /** The status line and headers, up to a bound: a health answer is small. */
  private static String head(InputStream in) throws IOException {
    byte[] buf = new byte[4096];
    int n = 0;
    while (n < buf.length) {
      int r = in.read(buf, n, buf.length - n);
      if (r < 0) {
        break;
      }
      n += r;
      if (new String(buf, 0, n, StandardCharsets.US_ASCII).contains("\r\n\r\n")) {
        break;
      }
    }
    return new String(buf, 0, n, StandardCharsets.US_ASCII);
  }
}
