package io.aralez.dataplane.config;

/**
 * A header whose value must contain a match of {@code regex} (RE2: linear time, whoever writes it).
 * Equal when name and regex are.
 */
public record HeaderPattern(String name, String regex, com.google.re2j.Pattern compiled) {
  public HeaderPattern(String name, String regex) {
    this(name, regex, com.google.re2j.Pattern.compile(regex));
  }

  public boolean matches(String value) {
    return compiled.matcher(value).find();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HeaderPattern p && p.name.equals(name) && p.regex.equals(regex);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + regex.hashCode();
  }
}
