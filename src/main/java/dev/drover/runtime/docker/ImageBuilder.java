package dev.drover.runtime.docker;

import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.model.BuildResponseItem;
import dev.drover.config.DroverException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Builds a project's worker image through the Engine API (no docker CLI): sends the {@link ImageContext} as a
 * tar, shows the upload and each build step as progress lines, and tags the result.
 */
public final class ImageBuilder {
  private final DockerConnection docker;
  private final Consumer<String> progress;

  public ImageBuilder(DockerConnection docker, Consumer<String> progress) {
    this.docker = docker;
    this.progress = progress;
  }

  /** Builds and tags the image; returns its id. */
  public String build(ImageContext context, String tag, String baseImage) {
    requireBase(baseImage);
    Path tar = null;
    try {
      tar = Files.createTempFile("drover-image-", ".tar");
      try (OutputStream out = Files.newOutputStream(tar)) {
        context.writeTar(out);
      }
      long size = Files.size(tar);
      try (InputStream in = new Progress(Files.newInputStream(tar), size, progress)) {
        String id = docker.client().buildImageCmd(in)
            .withTags(Set.of(tag))
            .withRemove(true)
            .exec(new BuildImageResultCallback() {
              @Override
              public void onNext(BuildResponseItem item) {
                if (item.getStream() != null && !item.getStream().isBlank()) {
                  item.getStream().lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(progress);
                }
                super.onNext(item);
              }
            })
            .awaitImageId();
        progress.accept("built " + tag + " (" + shortId(id) + ")");
        return id;
      }
    } catch (DockerClientException e) {
      throw new DroverException("image build failed: " + DockerConnection.rootMessage(e), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (tar != null) {
        try {
          Files.deleteIfExists(tar);
        } catch (IOException e) {
          // a temp file left in /tmp is harmless
        }
      }
    }
  }

  /** No registry is asked for the base: a missing one is a clear error, not a pull that hangs or fails obscurely. */
  private void requireBase(String baseImage) {
    try {
      docker.client().inspectImageCmd(baseImage).exec();
    } catch (com.github.dockerjava.api.exception.NotFoundException e) {
      throw new DroverException("base image " + baseImage + " not found on " + docker.host()
          + " (docker.base_image in settings.toml): build or load an image with a Java 17+ runtime at /opt/jre first");
    }
  }

  private static String shortId(String id) {
    String plain = id.startsWith("sha256:") ? id.substring(7) : id;
    return plain.substring(0, Math.min(12, plain.length()));
  }

  /** Reports the context upload in tenths, as the daemon reads it. */
  private static final class Progress extends FilterInputStream {
    private final long size;
    private final Consumer<String> progress;
    private long sent;
    private int tenths = -1;

    Progress(InputStream in, long size, Consumer<String> progress) {
      super(in);
      this.size = Math.max(1, size);
      this.progress = progress;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count(b < 0 ? 0 : 1);
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      count(Math.max(0, n));
      return n;
    }

    private void count(int n) {
      sent += n;
      int now = (int) (sent * 10 / size);
      if (now != tenths) {
        tenths = now;
        progress.accept(String.format("sending context %.1f / %.1f MB", sent / 1e6, size / 1e6));
      }
    }
  }
}
