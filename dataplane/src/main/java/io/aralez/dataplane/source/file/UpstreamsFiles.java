package io.aralez.dataplane.source.file;

import io.aralez.dataplane.config.ConfigException;
import io.aralez.dataplane.config.ConfigProblem;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.yaml.Problems;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** Reads upstreams.yaml and its {@code conf.d/*.yaml} split files from disk, as one snapshot. */
public final class UpstreamsFiles {
  /** Files larger than this are refused: a config is small, a 1 GiB file is a mistake. */
  static final long MAX_FILE_BYTES = 16L * 1024 * 1024;

  /** The texts of one read and a hash of all of them, used as the config version. */
  public record Snapshot(
      UpstreamsParser.Source main, List<UpstreamsParser.Source> splitFiles, String fingerprint) {}

  private UpstreamsFiles() {}

  public static Path confDir(Path upstreamsFile) {
    return upstreamsFile.toAbsolutePath().getParent().resolve("conf.d");
  }

  /** Reads the main file and every {@code *.yaml} in conf.d, in file-name order. */
  public static Snapshot read(Path upstreamsFile) throws ConfigException {
    List<Path> split = new ArrayList<>();
    Path confD = confDir(upstreamsFile);
    if (Files.isDirectory(confD)) {
      try (Stream<Path> s = Files.list(confD)) {
        s.filter(p -> p.getFileName().toString().endsWith(".yaml"))
            .filter(Files::isRegularFile)
            .sorted()
            .forEach(split::add);
      } catch (IOException e) {
        throw new ConfigException(confD.toString(), "cannot list: " + e.getMessage());
      }
    }
    MessageDigest digest = sha256();
    UpstreamsParser.Source main = readOne(upstreamsFile, digest);
    List<UpstreamsParser.Source> splits = new ArrayList<>();
    for (Path p : split) {
      splits.add(readOne(p, digest));
    }
    String fp = HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    return new Snapshot(main, splits, fp);
  }

  /** Reads and translates in one go (startup and {@code -t}). */
  public static ProxyConfig load(Path upstreamsFile, Problems problems) throws ConfigException {
    Snapshot s = read(upstreamsFile);
    return UpstreamsParser.parse(s.main(), s.splitFiles(), s.fingerprint(), problems);
  }

  private static UpstreamsParser.Source readOne(Path file, MessageDigest digest)
      throws ConfigException {
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new ConfigException(
            List.of(
                new ConfigProblem(
                    file.toString(), 0, "is " + size + " bytes; the limit is " + MAX_FILE_BYTES)));
      }
      byte[] bytes = Files.readAllBytes(file);
      digest.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(bytes);
      return new UpstreamsParser.Source(file.toString(), new String(bytes, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ConfigException(file.toString(), "cannot read: " + e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
