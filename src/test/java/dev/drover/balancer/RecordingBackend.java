package dev.drover.balancer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A worker stand-in on raw sockets that records every request head byte for byte as a front sent it, so a test
 * can see what an application behind the front would have parsed. It answers by path: {@code /204}, {@code /304},
 * {@code /early} (a 103 before the 200), {@code /close} (a 200 with {@code Connection: close}, then it closes);
 * anything else gets 200 with {@code ok <method> <path> <body length>}. Request bodies are read by
 * Content-Length or chunked framing, the two a front may send.
 */
final class RecordingBackend implements AutoCloseable {
  /** One request as it arrived. */
  record Request(String head, int bodyLength) {
    String requestLine() {
      int end = head.indexOf('\n');
      return (end < 0 ? head : head.substring(0, end)).trim();
    }

    /** The head's lines split at any CR or LF, as the most lenient application parser would split them. */
    List<String> lenientLines() {
      return List.of(head.split("\r\n|\r|\n"));
    }

    /** The value of the first field named {@code name}, split the lenient way; null when absent. */
    String field(String name) {
      for (String line : lenientLines()) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }
  }

  final List<Request> requests = new CopyOnWriteArrayList<>();
  private final ServerSocket server;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final Thread acceptor;
  private volatile boolean closed;

  RecordingBackend() {
    try {
      server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    acceptor = new Thread(this::accept, "recording-backend");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + port());
  }

  private void accept() {
    while (!closed) {
      try {
        Socket s = server.accept();
        open.add(s);
        Thread t = new Thread(() -> serve(s), "recording-backend-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setSoTimeout(30_000);
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      while (true) {
        String head = readHead(in);
        if (head == null) {
          return;
        }
        String lower = head.toLowerCase(Locale.ROOT);
        int body = readBody(in, lower);
        requests.add(new Request(head, body));
        String[] line = head.substring(0, head.indexOf('\r') < 0 ? head.length() : head.indexOf('\r')).split(" ");
        String method = line[0];
        String path = line.length > 1 ? URI.create(line[1]).getPath() : "";
        if (!answer(out, method, path, body)) {
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      // the front closed or sent something this stand-in cannot read: the connection ends
    } finally {
      open.remove(s);
    }
  }

  private static boolean answer(OutputStream out, String method, String path, int bodyLength) throws IOException {
    String text = "ok " + method + " " + path + " " + bodyLength;
    String ok = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + text.length() + "\r\n";
    boolean head = method.equals("HEAD");
    String response = switch (path) {
      case "/204" -> "HTTP/1.1 204 No Content\r\n\r\n";
      case "/304" -> "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n";
      case "/early" -> "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n" + ok + "\r\n" + (head ? "" : text);
      case "/close" -> ok + "Connection: close\r\n\r\n" + (head ? "" : text);
      default -> ok + "\r\n" + (head ? "" : text);
    };
    out.write(response.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return !path.equals("/close");
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b == -1) {
        return null;
      }
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String s = head.toString(StandardCharsets.ISO_8859_1);
    return s.substring(0, s.length() - 4);
  }

  private static int readBody(InputStream in, String lowerHead) throws IOException {
    if (lowerHead.contains("\r\ntransfer-encoding: chunked")) {
      int total = 0;
      while (true) {
        String size = RawConnection.readLine(in);
        int n = Integer.parseInt(size.split(";")[0].trim(), 16);
        if (n == 0) {
          while (!RawConnection.readLine(in).isEmpty()) {
            // trailers
          }
          return total;
        }
        total += in.readNBytes(n).length;
        RawConnection.readLine(in);
      }
    }
    int at = lowerHead.indexOf("\r\ncontent-length:");
    if (at < 0) {
      return 0;
    }
    int from = at + "\r\ncontent-length:".length();
    int end = lowerHead.indexOf("\r\n", from);
    int length = Integer.parseInt(lowerHead.substring(from, end < 0 ? lowerHead.length() : end).trim());
    return in.readNBytes(length).length;
  }

  List<Request> snapshot() {
    return new ArrayList<>(requests);
  }

  InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    try {
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
