package llmproxy.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One immutable, validated configuration. {@code listen} is the raw value; {@code server} holds it
 * parsed. {@code models} keeps config order. {@code warnings} are the non-fatal problems found while
 * loading. {@code clientKeys} includes {@code proxy_api_key} as the key named {@code default}; when it is empty,
 * authentication is off.
 */
public record Config(String listen, Secret proxyApiKey, List<Backend> backends, Map<String, ModelAlias> models,
                     Fallback fallback, Detection detection, LogSettings logging, Timeouts timeouts,
                     ServerSettings server, List<Problem> warnings, List<ClientKey> clientKeys, Secret adminApiKey) {
    /** Without client keys or an admin key. */
    public Config(String listen, Secret proxyApiKey, List<Backend> backends, Map<String, ModelAlias> models,
                  Fallback fallback, Detection detection, LogSettings logging, Timeouts timeouts,
                  ServerSettings server, List<Problem> warnings) {
        this(listen, proxyApiKey, backends, models, fallback, detection, logging, timeouts, server, warnings,
                proxyApiKey == null || !proxyApiKey.isSet() ? List.of()
                        : List.of(new ClientKey(ClientKey.DEFAULT_NAME, proxyApiKey, ClientKey.ALL_MODELS, 0)),
                Secret.NONE);
    }

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
        clientKeys = List.copyOf(clientKeys);
        adminApiKey = adminApiKey == null ? Secret.NONE : adminApiKey;
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
