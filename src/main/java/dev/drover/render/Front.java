package dev.drover.render;

import dev.drover.config.DroverException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** A file {@code drover generate} can write in front of or around a cluster, and the template it comes from. */
public enum Front {
  NGINX("nginx.conf.mustache"),
  HAPROXY("haproxy.cfg.mustache"),
  SYSTEMD("drover.service.mustache");

  private final String templateName;

  Front(String templateName) {
    this.templateName = templateName;
  }

  /** The template's name, as found under a project's {@code templates/} or the built-in {@code templates/}. */
  public String templateName() {
    return templateName;
  }

  /** The word a user types: {@code nginx}, {@code haproxy}, {@code systemd}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The front a user named, in any case; anything else is a one-line error naming the valid words. */
  public static Front parse(String word) {
    String w = word == null ? "" : word.trim().toLowerCase(Locale.ROOT);
    for (Front f : values()) {
      if (f.word().equals(w)) {
        return f;
      }
    }
    throw new DroverException("unknown front '" + (word == null ? "" : word.trim()) + "': choose one of " + words());
  }

  private static String words() {
    return Arrays.stream(values()).map(Front::word).collect(Collectors.joining(", "));
  }
}
