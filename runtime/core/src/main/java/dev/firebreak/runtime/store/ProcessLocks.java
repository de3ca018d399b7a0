package dev.firebreak.runtime.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One OS file lock per node, in a directory beside a store's file: the node holds its lock for as
 * long as its process lives, and the operating system releases it the moment the process dies, even
 * by {@code kill -9}. Another node that can take the lock knows the process is gone at once,
 * without waiting for its heartbeat lease to end. A live process never lets its lock go (it is
 * released only when the store closes), so a free lock needs no second look.
 */
final class ProcessLocks implements AutoCloseable {
  private final Path dir;
  private final String owner;
  private FileChannel channel;
  private FileLock lock;
  private final ReentrantLock guard = new ReentrantLock();

  private ProcessLocks(Path dir, String owner) {
    this.dir = dir;
    this.owner = owner;
  }

  /** Takes {@code owner}'s lock in {@code dir} (created if missing) and holds it until closed. */
  static ProcessLocks hold(Path dir, String owner) throws IOException {
    Files.createDirectories(dir);
    ProcessLocks locks = new ProcessLocks(dir, owner);
    locks.guard.lock();
    try {
      locks.acquire();
    } finally {
      locks.guard.unlock();
    }
    return locks;
  }

  private void acquire() throws IOException {
    Path file = fileOf(owner);
    channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    // Blocks only while another node briefly holds it to test whether this id's process ended.
    lock = channel.lock();
  }

  /**
   * Takes this node's lock again if its file is gone (a node that found an earlier process with
   * this id ended removes the file): called on every heartbeat.
   */
  void keep() throws IOException {
    guard.lock();
    try {
      if (!Files.exists(fileOf(owner))) {
        release();
        acquire();
      }
    } finally {
      guard.unlock();
    }
  }

  /**
   * Whether the process of {@code other} has ended: its lock file exists and nobody holds its lock.
   * A node without a file (an older release, another host's process) cannot be told: false.
   */
  boolean ended(String other) {
    Path file = fileOf(other);
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
      FileLock free = c.tryLock();
      if (free == null) {
        return false;
      }
      free.release();
      Files.deleteIfExists(file);
      return true;
    } catch (OverlappingFileLockException e) {
      return false; // held in this JVM: another store of this process
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  private Path fileOf(String node) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(node.getBytes(StandardCharsets.UTF_8));
      return dir.resolve(HexFormat.of().formatHex(hash, 0, 16) + ".lock");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws IOException {
    guard.lock();
    try {
      release();
    } finally {
      guard.unlock();
    }
  }

  private void release() throws IOException {
    if (lock != null) {
      lock.release();
      lock = null;
    }
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }
}
