package llmproxy.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fallback policy. {@code maxRetries} caps attempts per request across L1 and L2 (0 = no cap);
 * {@code aliasFallback} maps an alias to the aliases tried after it (L2), in config order; the loader
 * keeps only defined aliases (others are dropped with a warning until they are defined).
 */
public record Fallback(int cooldownSeconds, int maxRetries, Map<String, List<String>> aliasFallback) {
    public static final int DEFAULT_COOLDOWN_SECONDS = 60;

    public Fallback {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        aliasFallback.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        aliasFallback = Collections.unmodifiableMap(copy);
    }

    public static Fallback defaults() {
        return new Fallback(DEFAULT_COOLDOWN_SECONDS, 0, Map.of());
    }
}
