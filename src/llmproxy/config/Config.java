package llmproxy.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One immutable, validated configuration. {@code listen} is the raw value; {@code server} holds it
 * parsed. {@code models} keeps config order. {@code warnings} are the non-fatal problems found while
 * loading.
 */
public record Config(String listen, Secret proxyApiKey, List<Backend> backends, Map<String, ModelAlias> models,
                     Fallback fallback, Detection detection, LogSettings logging, Timeouts timeouts,
                     ServerSettings server, List<Problem> warnings) {
    public Config {
        Objects.requireNonNull(listen, "listen");
        proxyApiKey = proxyApiKey == null ? Secret.NONE : proxyApiKey;
        backends = List.copyOf(backends);
        models = Collections.unmodifiableMap(new LinkedHashMap<>(models));
        Objects.requireNonNull(fallback, "fallback");
        Objects.requireNonNull(detection, "detection");
        Objects.requireNonNull(logging, "logging");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(server, "server");
        warnings = List.copyOf(warnings);
    }

    public Backend backend(String name) {
        for (Backend b : backends) {
            if (b.name().equals(name)) {
                return b;
            }
        }
        return null;
    }
}
