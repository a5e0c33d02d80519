package dev.drover.worker;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One visitor's session: a small map of names to strings, whole numbers and booleans that travels in a signed
 * cookie, so whichever worker answers the next request sees the same values. Get it in a handler wrapped by
 * {@link Sessions#wrap} with {@link Sessions#of}; a change is written back when the response starts.
 *
 * <p>The cookie is signed, not encrypted: the visitor can read what is in it (base64 JSON) but cannot change
 * it. Keep secrets out of it, and keep it small (the whole cookie has a 4 KB cap).
 *
 * <p>Not thread-safe: a session belongs to the one request that loaded it.
 */
public final class Session {
  private final Map<String, Object> values;
  private boolean modified;

  Session(Map<String, Object> values, boolean modified) {
    this.values = new LinkedHashMap<>(values);
    this.modified = modified;
  }

  static Session empty() {
    return new Session(Map.of(), false);
  }

  /** The value of {@code name}: a String, Long or Boolean; empty when not set. */
  public Optional<Object> get(String name) {
    return Optional.ofNullable(values.get(name));
  }

  /** The whole number at {@code name}, or {@code orElse} when missing or not a whole number. */
  public long getLong(String name, long orElse) {
    return values.get(name) instanceof Long n ? n : orElse;
  }

  /** The text at {@code name}, or {@code orElse} when missing or not text. */
  public String getString(String name, String orElse) {
    return values.get(name) instanceof String s ? s : orElse;
  }

  public Session put(String name, String value) {
    return set(name, value);
  }

  public Session put(String name, long value) {
    return set(name, value);
  }

  public Session put(String name, boolean value) {
    return set(name, value);
  }

  public Session remove(String name) {
    if (values.remove(name) != null) {
      modified = true;
    }
    return this;
  }

  /** Forgets every value (a logout); the visitor's cookie is replaced by an empty one. */
  public Session clear() {
    if (!values.isEmpty()) {
      values.clear();
      modified = true;
    }
    return this;
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** True when the cookie must be written again: a value changed, or it came signed with a retired key. */
  public boolean isModified() {
    return modified;
  }

  /** The values, read-only. */
  public Map<String, Object> asMap() {
    return Collections.unmodifiableMap(values);
  }

  void markModified() {
    modified = true;
  }

  private Session set(String name, Object value) {
    if (name == null || value == null) {
      throw new IllegalArgumentException("a session name and value must not be null");
    }
    if (!value.equals(values.put(name, value))) {
      modified = true;
    }
    return this;
  }

  @Override
  public String toString() {
    return "Session" + values.keySet();
  }
}
