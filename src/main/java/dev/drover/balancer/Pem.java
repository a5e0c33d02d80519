package dev.drover.balancer;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The blocks of a PEM file: {@code -----BEGIN LABEL-----}, optional RFC 1421 headers such as
 * {@code Proc-Type: 4,ENCRYPTED}, base64, {@code -----END LABEL-----}. Text outside blocks is ignored, as
 * openssl ignores it (certificate files often carry a human-readable dump above each block).
 */
final class Pem {
  private static final String BEGIN = "-----BEGIN ";
  private static final String END = "-----END ";
  private static final String DASHES = "-----";

  /** One block; {@code headers} keeps the header lines as written. */
  record Block(String label, List<String> headers, byte[] der) {
    boolean encrypted() {
      return headers.stream().anyMatch(h -> h.startsWith("Proc-Type:") && h.contains("ENCRYPTED"));
    }
  }

  private Pem() {
  }

  /** Every block in order; throws IllegalArgumentException (message fit to follow the file name) when one is broken. */
  static List<Block> read(String text) {
    List<Block> blocks = new ArrayList<>();
    String[] lines = text.split("\r?\n|\r");
    int i = 0;
    while (i < lines.length) {
      String line = lines[i++].strip();
      if (!line.startsWith(BEGIN) || !line.endsWith(DASHES)) {
        continue;
      }
      String label = line.substring(BEGIN.length(), line.length() - DASHES.length());
      String end = END + label + DASHES;
      List<String> headers = new ArrayList<>();
      StringBuilder base64 = new StringBuilder();
      boolean closed = false;
      while (i < lines.length) {
        String body = lines[i++].strip();
        if (body.equals(end)) {
          closed = true;
          break;
        }
        if (body.contains(":")) {
          headers.add(body);
        } else {
          base64.append(body);
        }
      }
      if (!closed) {
        throw new IllegalArgumentException("has \"" + line + "\" without its \"" + end + "\"");
      }
      try {
        blocks.add(new Block(label, List.copyOf(headers), Base64.getMimeDecoder().decode(base64.toString())));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("has a " + label + " block that is not valid base64");
      }
    }
    return blocks;
  }
}
