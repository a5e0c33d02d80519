package dev.drover.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.tomlj.TomlArray;

/**
 * The declared type of a setting: how a TOML value or an environment variable's text becomes a typed
 * value, and how a typed value is written back in TOML. A failed conversion throws
 * {@link IllegalArgumentException} whose message completes "must be ...".
 */
public interface ValueType {

  /** Converts a value as tomlj read it (String, Long, Double, Boolean, TomlArray, TomlTable). */
  Object fromToml(Object raw);

  /** Converts the text of an environment variable, by this declared type, never by guessing. */
  Object fromText(String text);

  /** Writes a typed value as a TOML literal. */
  String toToml(Object value);

  /** A value to show in JSON output: numbers and booleans as such, the rest as its settings spelling. */
  default Object toJson(Object value) {
    return value instanceof Number || value instanceof Boolean || value instanceof String ? value : value.toString();
  }

  ValueType STRING = new Scalar("a string") {
    @Override
    public Object fromText(String text) {
      return text;
    }
  };

  ValueType BOOLEAN = new ValueType() {
    @Override
    public Object fromToml(Object raw) {
      if (raw instanceof Boolean b) {
        return b;
      }
      throw new IllegalArgumentException("true or false");
    }

    @Override
    public Object fromText(String text) {
      return switch (text.trim().toLowerCase(Locale.ROOT)) {
        case "true", "1", "yes", "on" -> true;
        case "false", "0", "no", "off" -> false;
        default -> throw new IllegalArgumentException("true or false");
      };
    }

    @Override
    public String toToml(Object value) {
      return value.toString();
    }
  };

  ValueType DURATION = new Parsed("a duration such as \"500ms\", \"30s\" or \"2m\"", Durations::parse) {
    @Override
    public String toToml(Object value) {
      return Toml.quote(Durations.format((Duration) value));
    }

    @Override
    public Object toJson(Object value) {
      return Durations.format((Duration) value);
    }
  };

  ValueType SIZE = new Parsed("a size such as \"512KB\" or \"10MB\"", DataSize::parse);

  ValueType RATE = new Parsed("a rate such as \"200/minute\" or \"10/second\"", Rate::parse);

  /** Docker's CPU count: a decimal of at most 3 places, kept as its text; "0" means no limit. */
  ValueType CPUS = new Parsed("a CPU count such as \"1\" or \"0.5\"", text -> {
    if (!text.matches("[0-9]{1,4}(\\.[0-9]{1,3})?")) {
      throw new IllegalArgumentException("a CPU count such as \"1\" or \"0.5\"");
    }
    return text;
  });

  /** A Kubernetes resource quantity, or empty for none: what a cluster would refuse is refused here first. */
  ValueType QUANTITY = new Parsed("a Kubernetes quantity such as \"500m\", \"2\" or \"512Mi\", or empty", text -> {
    String t = text.trim();
    if (!t.isEmpty() && !t.matches("[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?")) {
      throw new IllegalArgumentException("a Kubernetes quantity such as \"500m\", \"2\" or \"512Mi\", or empty");
    }
    return t;
  });

  ValueType HOST_PORT = new Parsed("host:port such as \"127.0.0.1:8000\"", HostPort::parse);

  /** An optional listen address kept as its text: empty (off), or host:port where port 0 takes a free port. */
  ValueType OPTIONAL_LISTEN = new Parsed("empty (off) or host:port such as \"127.0.0.1:9100\"", text -> {
    HostPort.parseOptional(text);
    return text.trim();
  });

  /** Literal IP addresses and networks; names are refused, since resolving them would trust DNS. */
  ValueType CIDR_LIST = new ValueType() {
    @Override
    public Object fromToml(Object raw) {
      return checked(STRING_LIST.fromToml(raw));
    }

    @Override
    public Object fromText(String text) {
      return checked(STRING_LIST.fromText(text));
    }

    private Object checked(Object list) {
      for (Object entry : (List<?>) list) {
        try {
          Cidr.parse((String) entry);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("a list of IP addresses or CIDRs; \"" + entry + "\" is not " + e.getMessage());
        }
      }
      return list;
    }

    @Override
    public String toToml(Object value) {
      return STRING_LIST.toToml(value);
    }

    @Override
    public Object toJson(Object value) {
      return value;
    }
  };

  ValueType WORKERS = new Parsed("\"auto\" or an integer from 1 to " + Workers.MAX, Workers::parse) {
    @Override
    public Object fromToml(Object raw) {
      if (raw instanceof Long n) {
        return Workers.parse(n.toString());
      }
      return super.fromToml(raw);
    }

    @Override
    public String toToml(Object value) {
      Workers w = (Workers) value;
      return w.isAuto() ? "\"auto\"" : w.toString();
    }

    @Override
    public Object toJson(Object value) {
      Workers w = (Workers) value;
      return w.isAuto() ? "auto" : (Object) w.fixed();
    }
  };

  ValueType STRING_LIST = new ValueType() {
    @Override
    public Object fromToml(Object raw) {
      if (raw instanceof TomlArray array) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
          if (!(array.get(i) instanceof String s)) {
            throw new IllegalArgumentException("a list of strings");
          }
          out.add(s);
        }
        return List.copyOf(out);
      }
      throw new IllegalArgumentException("a list of strings");
    }

    /** Comma-separated, or a TOML array such as {@code ["a", "b"]}. */
    @Override
    public Object fromText(String text) {
      String t = text.trim();
      if (t.startsWith("[")) {
        return fromToml(Toml.parseValue(t, "a list of strings"));
      }
      if (t.isEmpty()) {
        return List.of();
      }
      return List.of(t.split("\\s*,\\s*"));
    }

    @Override
    public String toToml(Object value) {
      List<String> quoted = new ArrayList<>();
      for (Object s : (List<?>) value) {
        quoted.add(Toml.quote((String) s));
      }
      return "[" + String.join(", ", quoted) + "]";
    }

    @Override
    public Object toJson(Object value) {
      return value;
    }
  };

  /** A leaf of the free-form {@code app_settings} table: kept as tomlj read it; from the environment, text. */
  ValueType ANY = new ValueType() {
    @Override
    public Object fromToml(Object raw) {
      if (raw instanceof TomlArray a) {
        return a.toList();
      }
      return raw;
    }

    @Override
    public Object fromText(String text) {
      return text;
    }

    @Override
    public String toToml(Object value) {
      return Toml.literal(value);
    }

    @Override
    public Object toJson(Object value) {
      return value instanceof Number || value instanceof Boolean || value instanceof String || value instanceof List
          ? value : value.toString();
    }
  };

  /** An integer from min to max, inclusive. */
  static ValueType integer(long min, long max) {
    String expected = max == Long.MAX_VALUE
        ? (min == 0 ? "a non-negative integer" : "an integer of at least " + min)
        : "an integer from " + min + " to " + max;
    return new ValueType() {
      @Override
      public Object fromToml(Object raw) {
        if (raw instanceof Long n && n >= min && n <= max) {
          return n.intValue() == n ? (Object) n.intValue() : n;
        }
        throw new IllegalArgumentException(expected);
      }

      @Override
      public Object fromText(String text) {
        try {
          return fromToml(Long.parseLong(text.trim()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(expected);
        }
      }

      @Override
      public String toToml(Object value) {
        return value.toString();
      }
    };
  }

  /** One of a fixed set of words. */
  static ValueType oneOf(String... choices) {
    Set<String> allowed = Set.of(choices);
    String expected = "one of " + String.join(", ", choices);
    return new Scalar(expected) {
      @Override
      public Object fromText(String text) {
        if (!allowed.contains(text.trim())) {
          throw new IllegalArgumentException(expected);
        }
        return text.trim();
      }
    };
  }

  /** A TOML string whose text any of the parsers above converts. */
  abstract class Scalar implements ValueType {
    private final String expected;

    Scalar(String expected) {
      this.expected = expected;
    }

    @Override
    public Object fromToml(Object raw) {
      if (raw instanceof String s) {
        return fromText(s);
      }
      throw new IllegalArgumentException(expected);
    }

    @Override
    public String toToml(Object value) {
      return Toml.quote(value.toString());
    }
  }

  /** A string parsed by a value type's own parse method. */
  class Parsed extends Scalar {
    private final java.util.function.Function<String, Object> parser;

    Parsed(String expected, java.util.function.Function<String, Object> parser) {
      super(expected);
      this.parser = parser;
    }

    @Override
    public Object fromText(String text) {
      return parser.apply(text);
    }
  }
}
