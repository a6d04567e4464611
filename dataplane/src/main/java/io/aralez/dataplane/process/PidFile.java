package io.aralez.dataplane.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The pid file: written atomically at startup, removed on exit if it is still ours. */
public final class PidFile {
  private final Path path;
  private final String pid = Long.toString(ProcessHandle.current().pid());

  private PidFile(Path path) {
    this.path = path;
  }

  public static PidFile write(Path path) throws IOException {
    if (Files.isSymbolicLink(path)) {
      // Never write through a link someone planted (the original's pid-file symlink bug).
      throw new IOException(path + " is a symbolic link; refusing to write the pid file");
    }
    Path parent = path.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, ".aralez-pid", ".tmp");
    Files.writeString(
        tmp, Long.toString(ProcessHandle.current().pid()) + "\n", StandardCharsets.US_ASCII);
    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return new PidFile(path);
  }

  public void remove() {
    try {
      if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)
          && Files.readString(path, StandardCharsets.US_ASCII).trim().equals(pid)) {
        Files.delete(path);
      }
    } catch (IOException e) {
      // Exiting anyway; a stale pid file is harmless next to a dead pid.
    }
  }
}
