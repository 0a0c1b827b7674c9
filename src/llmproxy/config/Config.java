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
 * loading. {@code clientKeys} includes {@code proxy_api_key} as the key named {@code default}; when it is empty,
 * authentication is off. {@code network} holds the egress proxy and extra CAs; {@code files} lists the other
 * files the load read ({@code ${file:}} secrets, CA and TLS files), so a reload can notice when they change.
 * {@code defaults} holds the top-level {@code defaults:} a route may override.
 */
public record Config(String listen, Secret proxyApiKey, List<Backend> backends, Map<String, ModelAlias> models,
                     Fallback fallback, Detection detection, LogSettings logging, Timeouts timeouts,
                     ServerSettings server, List<Problem> warnings, List<ClientKey> clientKeys, Secret adminApiKey,
                     Network network, List<Path> files, Defaults defaults) {
    /** With the standard {@link Defaults}. */
    public Config(String listen, Secret proxyApiKey, List<Backend> backends, Map<String, ModelAlias> models,
                  Fallback fallback, Detection detection, LogSettings logging, Timeouts timeouts,
                  ServerSettings server, List<Problem> warnings, List<ClientKey> clientKeys, Secret adminApiKey,
                  Network network, List<Path> files) {
        this(listen, proxyApiKey, backends, models, fallback, detection, logging, timeouts, server, warnings,
                clientKeys, adminApiKey, network, files, Defaults.STANDARD);
    }

    /** Without client keys (but the proxy key), an admin key, network settings or referenced files. */
    public Config(String listen, Secret proxyApiKey, List<Backend> backends, Map<String, ModelAlias> models,
                  Fallback fallback, Detection detection, LogSettings logging, Timeouts timeouts,
                  ServerSettings server, List<Problem> warnings) {
        this(listen, proxyApiKey, backends, models, fallback, detection, logging, timeouts, server, warnings,
                Network.NONE, List.of());
    }

    /** Without client keys (but the proxy key) or an admin key. */
    public Config(String listen, Secret proxyApiKey, List<Backend> backends, Map<String, ModelAlias> models,
                  Fallback fallback, Detection detection, LogSettings logging, Timeouts timeouts,
                  ServerSettings server, List<Problem> warnings, Network network, List<Path> files) {
        this(listen, proxyApiKey, backends, models, fallback, detection, logging, timeouts, server, warnings,
                proxyApiKey == null || !proxyApiKey.isSet() ? List.of()
                        : List.of(new ClientKey(ClientKey.DEFAULT_NAME, proxyApiKey, ClientKey.ALL_MODELS, 0)),
                Secret.NONE, network, files);
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
        network = network == null ? Network.NONE : network;
        files = files == null ? List.of() : List.copyOf(files);
        defaults = defaults == null ? Defaults.STANDARD : defaults;
    }

    /**
     * Every secret the config holds, for the log's masker and for masking what upstreams echo: the proxy, client
     * and admin keys, backend keys, secret-looking backend headers and egress proxy passwords.
     */
    public List<Secret> secrets() {
        List<Secret> out = new ArrayList<>();
        out.add(proxyApiKey);
        clientKeys.forEach(k -> out.add(k.key()));
        out.add(adminApiKey);
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
