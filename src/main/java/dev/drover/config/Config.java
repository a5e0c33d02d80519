package dev.drover.config;

import java.util.List;
import java.util.Map;

/**
 * A loaded environment: every setting as an {@link Entry} (value, origin, secrecy) in schema order, the
 * typed {@link Settings}, and warnings that did not stop the load.
 */
public record Config(String env, Map<String, Entry> entries, Settings settings, List<String> warnings) {
}
