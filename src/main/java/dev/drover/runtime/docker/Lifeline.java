package dev.drover.runtime.docker;

import java.io.InputStream;
import java.util.concurrent.CountDownLatch;

/**
 * A container's standard input: the secrets line, then nothing until {@link #close()}, like the pipe the
 * process runtime keeps open. The worker reads end of input as "supervisor gone"; the connection carrying this
 * stream dies with the supervisor, even by kill -9, and the daemon then closes the container's stdin.
 */
final class Lifeline extends InputStream {
  private final byte[] first;
  private final CountDownLatch closed = new CountDownLatch(1);
  private int next;

  Lifeline(byte[] first) {
    this.first = first.clone();
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buf, int off, int len) {
    synchronized (this) {
      if (next < first.length) {
        int n = Math.min(len, first.length - next);
        System.arraycopy(first, next, buf, off, n);
        java.util.Arrays.fill(first, next, next + n, (byte) 0);
        next += n;
        return n;
      }
    }
    try {
      closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return -1;
  }

  @Override
  public void close() {
    closed.countDown();
  }
}
