package io.aralez.dataplane.config;

/** One error or warning found in a configuration file, located by file and line. */
public record ConfigProblem(String file, int line, String message) {

  @Override
  public String toString() {
    return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
  }
}
