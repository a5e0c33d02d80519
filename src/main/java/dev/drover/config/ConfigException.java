package dev.drover.config;

import java.util.List;

/** Settings that cannot be used: one line per problem, each naming the file:line or variable and the key. */
public final class ConfigException extends DroverException {
  private static final long serialVersionUID = 1L;
  private final transient List<String> problems;

  public ConfigException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public ConfigException(String problem) {
    this(List.of(problem));
  }

  public List<String> problems() {
    return problems;
  }
}
