package dev.drover.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** HTTP/1.1 over a plain socket: exact bytes out (malformed ones too), from a chosen source address. */
public final class RawHttp {
  private RawHttp() {
  }

  /** Sends the bytes on a new connection from {@code source} and returns the status code, or -1 if closed unanswered. */
  public static int send(String source, int port, String request) throws IOException {
    try (Socket s = connect(source, port)) {
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      return status(s.getInputStream());
    }
  }

  public static int get(String source, int port, String path) throws IOException {
    return send(source, port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  }

  public static Socket connect(String source, int port) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    s.setSoTimeout(10_000);
    return s;
  }

  /** The status of the first response line, -1 when the server closed without one. */
  public static int status(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      line.write(b);
    }
    String first = line.toString(StandardCharsets.ISO_8859_1);
    return first.startsWith("HTTP/1.1 ") && first.length() >= 12 ? Integer.parseInt(first.substring(9, 12)) : -1;
  }
}
