package io.aralez.dataplane.config;

import java.util.List;
import java.util.stream.Collectors;

/** A configuration that cannot be used; carries every error found, not just the first. */
public final class ConfigException extends Exception {
  private final List<ConfigProblem> problems;

  public ConfigException(List<ConfigProblem> problems) {
    super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public ConfigException(String file, String message) {
    this(List.of(new ConfigProblem(file, 0, message)));
  }

  public List<ConfigProblem> problems() {
    return problems;
  }
}
