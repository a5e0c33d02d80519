package dev.drover.balancer;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One keep-alive HTTP/1.1 connection on a raw socket, bound to a chosen local address: a second client is a
 * second loopback address ({@code 127.0.0.2}). Fails loudly when the server closes it, so a test sees whether
 * its requests really shared one connection.
 */
final class TestConnection implements AutoCloseable {
  /** An answer; header names are lower case, a repeated header keeps its last value. */
  record Response(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  private TestConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = new BufferedInputStream(socket.getInputStream());
  }

  static TestConnection open(InetSocketAddress target, String localAddress) {
    Socket s = new Socket();
    try {
      s.bind(new InetSocketAddress(localAddress, 0));
      s.connect(target, 5_000);
      s.setSoTimeout(10_000);
      s.setTcpNoDelay(true);
      return new TestConnection(s);
    } catch (IOException e) {
      try {
        s.close();
      } catch (IOException ignored) {
        // already failing
      }
      throw new UncheckedIOException(e);
    }
  }

  /** The local port: the same value before and after proves no reconnect happened. */
  int localPort() {
    return socket.getLocalPort();
  }

  Response get(String path, String... headerLines) {
    return send("GET", path, headerLines);
  }

  /** Sends a request without a body; {@code headerLines} are written as given ("Name: value"). */
  Response send(String method, String path, String... headerLines) {
    StringBuilder head = new StringBuilder(128).append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
        .append("Host: test\r\n");
    if (!method.equals("GET") && !method.equals("HEAD")) {
      head.append("Content-Length: 0\r\n");
    }
    for (String line : headerLines) {
      head.append(line).append("\r\n");
    }
    head.append("\r\n");
    try {
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return read();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Response read() throws IOException {
    String status = line();
    if (status == null) {
      throw new IOException("connection closed by the server");
    }
    Map<String, String> headers = new TreeMap<>();
    for (String line = line(); line != null && !line.isEmpty(); line = line()) {
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
    }
    String length = headers.get("content-length");
    if (length == null) {
      throw new IOException("answer without Content-Length: " + status + " " + headers);
    }
    byte[] body = in.readNBytes(Integer.parseInt(length));
    return new Response(Integer.parseInt(status.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
  }

  private String line() throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(64);
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        String s = buf.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      buf.write(c);
    }
    return buf.size() == 0 ? null : buf.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing left to do
    }
  }
}
