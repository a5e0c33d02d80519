package dev.drover.control;

import dev.drover.config.DroverException;
import dev.drover.config.RunLayout;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * One supervisor per project: an exclusive lock on {@code .drover/drover.lock}, held for the supervisor's
 * life. The kernel drops it when the process dies, even by kill -9, so a free lock proves that a pid or
 * socket file left behind is stale.
 */
final class ProjectLock implements AutoCloseable {
  private final RunLayout layout;
  private final FileChannel channel;
  private final FileLock lock;

  private ProjectLock(RunLayout layout, FileChannel channel, FileLock lock) {
    this.layout = layout;
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock, cleans stale files and writes the pid file; refuses when another supervisor runs. */
  static ProjectLock acquire(RunLayout layout) throws IOException {
    ProjectLock lock = tryAcquire(layout);
    if (lock == null) {
      throw alreadyRunning(layout);
    }
    Files.writeString(layout.pidFile(), ProcessHandle.current().pid() + "\n");
    return lock;
  }

  /** The refusal for a project whose supervisor is alive, naming its pid. */
  static DroverException alreadyRunning(RunLayout layout) throws IOException {
    String pid = Files.exists(layout.pidFile()) ? Files.readString(layout.pidFile()).strip() : "?";
    return new DroverException("drover is already running for " + layout.projectDir() + " (pid " + pid
        + "); see drover status, or drover stop first");
  }

  /** The lock if free (stale pid and socket files removed), else null. */
  static ProjectLock tryAcquire(RunLayout layout) throws IOException {
    if (!Files.isDirectory(layout.stateDir())) {
      Files.createDirectories(layout.stateDir(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    Files.createDirectories(layout.logsDir());
    Files.createDirectories(layout.runDir());
    FileChannel channel = FileChannel.open(layout.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = channel.tryLock();
    if (lock == null) {
      channel.close();
      return null;
    }
    Files.deleteIfExists(layout.pidFile());
    Files.deleteIfExists(layout.controlSocket());
    return new ProjectLock(layout, channel, lock);
  }

  @Override
  public void close() throws IOException {
    Files.deleteIfExists(layout.pidFile());
    lock.release();
    channel.close();
  }
}
