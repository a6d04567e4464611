package io.aralez.dataplane.config;

import io.aralez.dataplane.config.yaml.YamlMap;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code log_file}: a plain path, or the original's rolling form {@code "path, size_mb, keep,
 * compress"} (size and keep default to 100 MB and 5; the last word is {@code compress} or absent).
 * Anything else is an error naming the key: a value with commas must never become a file name.
 */
record LogFileSpec(Path path, MainConfig.LogRotation rotation) {
  static final long MAX_SIZE_MB = 1024 * 1024;
  // logback's fixed window holds at most 20 files.
  static final int MAX_KEEP = 20;

  static LogFileSpec parse(YamlMap y, Path base) {
    String text = y.string("log_file").map(String::trim).orElse("");
    if (text.isEmpty()) {
      return new LogFileSpec(null, null);
    }
    String[] parts = text.split(",", -1);
    Path path = base.resolve(parts[0].trim()).normalize();
    if (parts.length == 1) {
      return new LogFileSpec(path, null);
    }
    if (parts[0].isBlank() || parts.length > 4) {
      y.error(
          "log_file", "must be a path or \"path, size_mb, keep, compress\", not '" + text + "'");
      return new LogFileSpec(null, null);
    }
    long sizeMb = number(y, parts, 1, 100, MAX_SIZE_MB);
    long keep = number(y, parts, 2, 5, MAX_KEEP);
    boolean compress = false;
    if (parts.length == 4) {
      String word = parts[3].trim().toLowerCase(Locale.ROOT);
      if (word.equals("compress") || word.equals("true")) {
        compress = true;
      } else if (!word.isEmpty() && !word.equals("false") && !word.equals("nocompress")) {
        y.error("log_file", "the fourth part must be 'compress' or absent, not '" + word + "'");
      }
    }
    if (sizeMb < 0 || keep < 0) {
      return new LogFileSpec(null, null);
    }
    return new LogFileSpec(
        path, new MainConfig.LogRotation(sizeMb * 1024 * 1024, (int) keep, compress));
  }

  /** The whole number at {@code index}, its default when blank, or -1 after an error. */
  private static long number(YamlMap y, String[] parts, int index, long dflt, long max) {
    if (index >= parts.length || parts[index].isBlank()) {
      return dflt;
    }
    String what = index == 1 ? "size in MB" : "number of files to keep";
    try {
      long v = Long.parseLong(parts[index].trim());
      if (v >= 1 && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    y.error(
        "log_file",
        "the "
            + what
            + " must be a whole number from 1 to "
            + max
            + ", not '"
            + parts[index].trim()
            + "'");
    return -1;
  }
}
