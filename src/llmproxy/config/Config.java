package llmproxy.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One immutable, validated configuration. {@code listen} is the raw value; {@code server} holds it
 * parsed. {@code models} keeps config order. {@code warnings} are the non-fatal problems found while
 * loading. {@code network} holds the egress proxy and extra CAs; {@code files} lists the other files the load
 * read ({@code ${file:}} secrets, CA and TLS files), so a reload can notice when they change.
 */
public record Config(String listen, Secret proxyApiKey, List<Backend> backends, Map<String, ModelAlias> models,
                     Fallback fallback, Detection detection, LogSettings logging, Timeouts timeouts,
                     ServerSettings server, List<Problem> warnings, Network network, List<Path> files) {
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
        network = network == null ? Network.NONE : network;
        files = files == null ? List.of() : List.copyOf(files);
    }

    /** A config without network settings or referenced files. */
    public Config(String listen, Secret proxyApiKey, List<Backend> backends, Map<String, ModelAlias> models,
                  Fallback fallback, Detection detection, LogSettings logging, Timeouts timeouts,
                  ServerSettings server, List<Problem> warnings) {
        this(listen, proxyApiKey, backends, models, fallback, detection, logging, timeouts, server, warnings,
                Network.NONE, List.of());
    }

    /**
     * Every secret the config holds, for the log's masker: the proxy key, backend keys, secret-looking
     * backend headers and egress proxy passwords.
     */
    public List<Secret> secrets() {
        List<Secret> out = new ArrayList<>();
        out.add(proxyApiKey);
        for (Backend b : backends) {
            out.add(b.apiKey());
            out.addAll(b.secretHeaders());
            if (b.proxy() instanceof EgressChoice.Via v) {
                out.add(v.proxy().password());
            }
        }
        for (ProxyAddress p : new ProxyAddress[] {network.httpsProxy(), network.httpProxy()}) {
            if (p != null) {
                out.add(p.password());
            }
        }
        return out.stream().filter(Secret::isSet).distinct().toList();
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
