package io.aralez.dataplane.config.yaml;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A typed, line-aware view of one YAML mapping. Getters return empty when a key is absent and
 * record an error naming the key, the file and the line when a value has the wrong type, so a whole
 * file is checked in one pass.
 */
public final class YamlMap {
  private static final Pattern DURATION =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)?", Pattern.CASE_INSENSITIVE);

  private final String file;
  private final String path;
  private final int line;
  private final Problems problems;
  private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

  YamlMap(String file, String path, MappingNode node, Problems problems) {
    this.file = file;
    this.path = path;
    this.line = node == null ? 0 : node.getStartMark().getLine() + 1;
    this.problems = problems;
    if (node == null) {
      return;
    }
    for (NodeTuple tuple : node.getValue()) {
      Node keyNode = tuple.getKeyNode();
      int keyLine = keyNode.getStartMark().getLine() + 1;
      if (!(keyNode instanceof ScalarNode scalar)) {
        problems.error(file, keyLine, qualify("<key>") + ": keys must be plain strings");
        continue;
      }
      String key = scalar.getValue();
      if (entries.containsKey(key)) {
        problems.error(file, keyLine, qualify(key) + ": duplicate key");
        continue;
      }
      entries.put(key, tuple);
    }
  }

  static YamlMap empty(String file, Problems problems) {
    return new YamlMap(file, "", null, problems);
  }

  /** A scalar from a list, with the line it was written on. */
  public record Scalar(String value, int line) {}

  public String file() {
    return file;
  }

  public String path() {
    return path;
  }

  public int line() {
    return line;
  }

  public Problems problems() {
    return problems;
  }

  public Set<String> keys() {
    return entries.keySet();
  }

  public boolean has(String key) {
    NodeTuple t = entries.get(key);
    return t != null && !isNull(t.getValueNode());
  }

  public int line(String key) {
    NodeTuple t = entries.get(key);
    return t == null ? line : t.getKeyNode().getStartMark().getLine() + 1;
  }

  public String qualify(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  public void error(String key, String message) {
    problems.error(file, line(key), qualify(key) + ": " + message);
  }

  public void warn(String key, String message) {
    problems.warn(file, line(key), qualify(key) + ": " + message);
  }

  /** Warns about every key not in {@code known}: a typo must not pass silently. */
  public void warnUnknown(Set<String> known) {
    for (String key : entries.keySet()) {
      if (!known.contains(key)) {
        warn(key, "unknown key, ignored");
      }
    }
  }

  public Optional<String> string(String key) {
    Node value = value(key);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof ScalarNode scalar) {
      return Optional.of(scalar.getValue());
    }
    error(key, "expected a string, got " + describe(value));
    return Optional.empty();
  }

  public Optional<Boolean> bool(String key) {
    Node value = value(key);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof ScalarNode scalar) {
      String v = scalar.getValue().trim().toLowerCase(Locale.ROOT);
      if (v.equals("true") || v.equals("yes") || v.equals("on")) {
        return Optional.of(true);
      }
      if (v.equals("false") || v.equals("no") || v.equals("off")) {
        return Optional.of(false);
      }
    }
    error(key, "expected true or false, got " + describe(value));
    return Optional.empty();
  }

  /** A whole number within [min, max]. */
  public OptionalLong integer(String key, long min, long max) {
    Node value = value(key);
    if (value == null) {
      return OptionalLong.empty();
    }
    if (value instanceof ScalarNode scalar) {
      try {
        long v = Long.parseLong(scalar.getValue().trim());
        if (v < min || v > max) {
          error(key, "must be between " + min + " and " + max + ", got " + v);
          return OptionalLong.empty();
        }
        return OptionalLong.of(v);
      } catch (NumberFormatException e) {
        // fall through to the type error below
      }
    }
    error(key, "expected a whole number, got " + describe(value));
    return OptionalLong.empty();
  }

  /**
   * A duration: a plain number means seconds (fractions allowed); a suffix {@code ms}, {@code s},
   * {@code m} or {@code h} sets the unit.
   */
  public Optional<Duration> duration(String key, Duration min, Duration max) {
    Node value = value(key);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof ScalarNode scalar) {
      Matcher m = DURATION.matcher(scalar.getValue().trim());
      if (m.matches()) {
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
        double millis =
            switch (unit) {
              case "ms" -> amount;
              case "m" -> amount * 60_000;
              case "h" -> amount * 3_600_000;
              case "d" -> amount * 86_400_000;
              default -> amount * 1000;
            };
        Duration d = Duration.ofMillis(Math.round(millis));
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
          error(key, "must be between " + human(min) + " and " + human(max) + ", got " + human(d));
          return Optional.empty();
        }
        return Optional.of(d);
      }
    }
    error(
        key,
        "expected a duration such as 5, 2.5, 500ms, 30s, 1m, 12h or 30d, got " + describe(value));
    return Optional.empty();
  }

  public Optional<YamlMap> map(String key) {
    Node value = value(key);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof MappingNode mapping) {
      return Optional.of(new YamlMap(file, qualify(key), mapping, problems));
    }
    error(key, "expected a mapping, got " + describe(value));
    return Optional.empty();
  }

  /** The entries of this mapping whose values are mappings; other values are reported. */
  public List<Map.Entry<String, YamlMap>> mapEntries() {
    List<Map.Entry<String, YamlMap>> out = new ArrayList<>();
    for (String key : entries.keySet()) {
      map(key).ifPresent(m -> out.add(Map.entry(key, m)));
    }
    return out;
  }

  /**
   * A file named by {@code key}, relative to {@code baseDir} (the config's folder; null: the
   * working directory); reported when it cannot be read. Empty when the key is not set.
   */
  public Optional<java.nio.file.Path> readableFile(String key, java.nio.file.Path baseDir) {
    Optional<java.nio.file.Path> path =
        string(key).map(v -> baseDir == null ? java.nio.file.Path.of(v) : baseDir.resolve(v));
    path.filter(p -> !java.nio.file.Files.isReadable(p))
        .ifPresent(p -> error(key, "cannot read " + p));
    return path;
  }

  /** A list of mappings (such as {@code services:}); other items are reported. */
  public Optional<List<YamlMap>> mapList(String key) {
    Node value = value(key);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof SequenceNode seq)) {
      error(key, "expected a list of mappings, got " + describe(value));
      return Optional.empty();
    }
    List<YamlMap> out = new ArrayList<>();
    int i = 0;
    for (Node item : seq.getValue()) {
      if (item instanceof MappingNode m) {
        out.add(new YamlMap(file, qualify(key) + "[" + i + "]", m, problems));
      } else {
        problems.error(
            file,
            lineOf(item),
            qualify(key) + "[" + i + "]: expected a mapping, got " + describe(item));
      }
      i++;
    }
    return Optional.of(out);
  }

  /** A list of scalars; a single scalar is accepted as a list of one. */
  public Optional<List<Scalar>> stringList(String key) {
    Node value = value(key);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof ScalarNode scalar) {
      return Optional.of(List.of(new Scalar(scalar.getValue(), lineOf(scalar))));
    }
    if (value instanceof SequenceNode seq) {
      List<Scalar> out = new ArrayList<>();
      for (Node item : seq.getValue()) {
        if (item instanceof ScalarNode s && !isNull(s)) {
          out.add(new Scalar(s.getValue(), lineOf(s)));
        } else {
          problems.error(
              file,
              lineOf(item),
              qualify(key) + ": list items must be strings, got " + describe(item));
        }
      }
      return Optional.of(out);
    }
    error(key, "expected a list of strings, got " + describe(value));
    return Optional.empty();
  }

  /** The raw scalar text of a key when the caller needs to accept several types. */
  public Optional<Scalar> scalar(String key) {
    Node value = value(key);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof ScalarNode s) {
      return Optional.of(new Scalar(s.getValue(), lineOf(s)));
    }
    error(key, "expected a single value, got " + describe(value));
    return Optional.empty();
  }

  private Node value(String key) {
    NodeTuple t = entries.get(key);
    if (t == null || isNull(t.getValueNode())) {
      return null;
    }
    return t.getValueNode();
  }

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
  }

  private static int lineOf(Node node) {
    return node.getStartMark().getLine() + 1;
  }

  private static String describe(Node node) {
    if (node instanceof ScalarNode s) {
      return "'" + s.getValue() + "'";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    return "a mapping";
  }

  private static String human(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
