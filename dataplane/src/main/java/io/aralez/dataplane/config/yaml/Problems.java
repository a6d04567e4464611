package io.aralez.dataplane.config.yaml;

import io.aralez.dataplane.config.ConfigException;
import io.aralez.dataplane.config.ConfigProblem;
import java.util.ArrayList;
import java.util.List;

/** Collects errors and warnings while a file is read, so a user sees all of them at once. */
public final class Problems {
  private final List<ConfigProblem> errors = new ArrayList<>();
  private final List<ConfigProblem> warnings = new ArrayList<>();

  public void error(String file, int line, String message) {
    errors.add(new ConfigProblem(file, line, message));
  }

  public void warn(String file, int line, String message) {
    warnings.add(new ConfigProblem(file, line, message));
  }

  public List<ConfigProblem> errors() {
    return List.copyOf(errors);
  }

  public List<ConfigProblem> warnings() {
    return List.copyOf(warnings);
  }

  public boolean hasErrors() {
    return !errors.isEmpty();
  }

  public void throwIfErrors() throws ConfigException {
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
  }
}
