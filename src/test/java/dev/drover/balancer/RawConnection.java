package dev.drover.balancer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * One client connection speaking raw bytes, for what an HTTP client library would not send or would hide: broken
 * framing, trickled heads, keep-alive connections the server closes. Reads answers one by one.
 */
final class RawConnection implements AutoCloseable {
  /** An answer as read off the wire; {@code head} is the status line and header lines. */
  record Answer(int status, String head, String body) {
    String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RawConnection(InetSocketAddress target) {
    this(target, null);
  }

  /** {@code from} picks the client's own address, e.g. 127.0.0.2 to be a second client on loopback. */
  RawConnection(InetSocketAddress target, InetAddress from) {
    try {
      socket = new Socket();
      if (from != null) {
        socket.bind(new InetSocketAddress(from, 0));
      }
      socket.connect(target, 5_000);
      socket.setSoTimeout(10_000);
      in = socket.getInputStream();
      out = socket.getOutputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  RawConnection send(String bytes) {
    try {
      out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends, and reports false instead of failing when the server has closed the connection. */
  boolean trySend(String bytes) {
    try {
      out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The next answer, or null when the server closed the connection (or reset it) before one began. */
  Answer read() {
    return read(false);
  }

  /** The next answer to a HEAD request: its head only, whatever length it declares. */
  Answer readHeadAnswer() {
    return read(true);
  }

  private Answer read(boolean toHead) {
    try {
      String head = readHead();
      if (head == null) {
        return null;
      }
      int status = Integer.parseInt(head.substring(9, 12));
      String lower = head.toLowerCase(Locale.ROOT);
      String body;
      int at = lower.indexOf("\r\ncontent-length:");
      if (toHead || status == 100 || status == 204 || status == 304) {
        body = "";
      } else if (at >= 0) {
        int from = at + "\r\ncontent-length:".length();
        int end = lower.indexOf("\r\n", from);
        int length = Integer.parseInt(head.substring(from, end < 0 ? head.length() : end).trim());
        body = new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
      } else if (lower.contains("\r\ntransfer-encoding: chunked")) {
        body = readChunked();
      } else {
        body = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      }
      return new Answer(status, head, body);
    } catch (IOException e) {
      if (e instanceof SocketTimeoutException) {
        throw new UncheckedIOException(e);
      }
      return null; // reset
    }
  }

  /** Waits up to {@code limit} for the server to close the connection; true when it did. */
  boolean closedWithin(Duration limit) {
    try {
      socket.setSoTimeout((int) limit.toMillis());
      try {
        while (in.read() != -1) {
          // whatever was still coming
        }
        return true;
      } catch (SocketTimeoutException e) {
        return false;
      } finally {
        socket.setSoTimeout(10_000);
      }
    } catch (IOException e) {
      return true; // reset
    }
  }

  void soTimeout(Duration timeout) {
    try {
      socket.setSoTimeout((int) timeout.toMillis());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One byte, -1 at the end, -2 when nothing came within the socket timeout. */
  int readByte() {
    try {
      return in.read();
    } catch (SocketTimeoutException e) {
      return -2;
    } catch (IOException e) {
      return -1; // reset
    }
  }

  private String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b == -1) {
        return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1);
      }
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String s = head.toString(StandardCharsets.ISO_8859_1);
    return s.substring(0, s.length() - 4);
  }

  private String readChunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String line = readLine();
      int size = Integer.parseInt(line.split(";")[0].trim(), 16);
      if (size == 0) {
        while (!readLine().isEmpty()) {
          // trailers
        }
        return body.toString(StandardCharsets.ISO_8859_1);
      }
      body.write(in.readNBytes(size));
      readLine();
    }
  }

  private String readLine() throws IOException {
    return readLine(in);
  }

  /** One line of a head, CR dropped; fails at end of stream. Shared by the tests' raw HTTP readers. */
  static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int b;
    while ((b = in.read()) != '\n') {
      if (b == -1) {
        throw new IOException("closed mid-line");
      }
      if (b != '\r') {
        sb.append((char) b);
      }
    }
    return sb.toString();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
