package io.aralez.dataplane.config.yaml;

import io.aralez.dataplane.config.ConfigException;
import java.io.StringReader;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Parses YAML text into a node tree that keeps line numbers, so every later error can point at the
 * offending line. Object construction is never used: no tags, no arbitrary types.
 */
public final class YamlDocument {
  /**
   * Caps that keep a hostile or broken file from exhausting memory (billion laughs, huge files).
   */
  private static final int MAX_ALIASES = 50;

  private static final int MAX_CODE_POINTS = 16 * 1024 * 1024;

  private YamlDocument() {}

  /**
   * Returns the top-level mapping of {@code text}, or an empty mapping for an empty document.
   *
   * @throws ConfigException on a syntax error or a top level that is not a mapping
   */
  public static YamlMap parse(String fileName, String text, Problems problems)
      throws ConfigException {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setCodePointLimit(MAX_CODE_POINTS);
    options.setAllowRecursiveKeys(false);
    options.setNestingDepthLimit(64);
    Node root;
    try {
      root = new Yaml(options).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      int line = mark == null ? 0 : mark.getLine() + 1;
      String what = e.getProblem() != null ? e.getProblem() : e.getMessage();
      Mark context = e.getContextMark();
      if (context != null && mark != null && context.getLine() != mark.getLine()) {
        what += " (" + e.getContext() + " at line " + (context.getLine() + 1) + ")";
      }
      throw new ConfigException(
          List.of(
              new io.aralez.dataplane.config.ConfigProblem(
                  fileName, line, "invalid YAML: " + what)));
    } catch (YAMLException e) {
      throw new ConfigException(fileName, "invalid YAML: " + e.getMessage());
    }
    if (root == null) {
      return YamlMap.empty(fileName, problems);
    }
    if (!(root instanceof MappingNode mapping)) {
      throw new ConfigException(
          List.of(
              new io.aralez.dataplane.config.ConfigProblem(
                  fileName,
                  root.getStartMark().getLine() + 1,
                  "the top level must be a mapping of keys to values")));
    }
    return new YamlMap(fileName, "", mapping, problems);
  }
}
