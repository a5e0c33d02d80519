package dev.drover.config;

/** One effective setting: its typed value, where it came from, and whether it must be masked. */
public record Entry(Key key, Object value, Origin origin, boolean secret) {

  /** The value as TOML, or the mask (quoted, so the output stays TOML) for a secret. */
  public String display() {
    return secret ? Toml.quote(Secret.MASK) : key.type().toToml(value);
  }

  /** The value for JSON output, or the mask for a secret. */
  public Object json() {
    return secret ? Secret.MASK : key.type().toJson(value);
  }
}
