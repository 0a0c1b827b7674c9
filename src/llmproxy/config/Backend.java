package llmproxy.config;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One upstream provider: where it is, the key the proxy sends it and how ({@code auth}), extra headers
 * (which override the client's of the same name), per-backend timeout overrides, its egress proxy choice
 * and the API it speaks.
 */
public record Backend(String name, URI url, Secret apiKey, boolean enabled, AuthStyle auth,
                      Map<String, String> headers, TimeoutOverrides timeouts, EgressChoice proxy, BackendProtocol protocol) {
    public Backend {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        apiKey = apiKey == null ? Secret.NONE : apiKey;
        auth = auth == null ? AuthStyle.AUTO : auth;
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        timeouts = timeouts == null ? TimeoutOverrides.NONE : timeouts;
        proxy = proxy == null ? EgressChoice.INHERIT : proxy;
        protocol = protocol == null ? BackendProtocol.AUTO : protocol;
    }

    /** A backend speaking {@code protocol}, every other optional setting at its default. */
    public Backend(String name, URI url, Secret apiKey, boolean enabled, BackendProtocol protocol) {
        this(name, url, apiKey, enabled, AuthStyle.AUTO, Map.of(), TimeoutOverrides.NONE, EgressChoice.INHERIT,
                protocol);
    }

    /** A backend with every optional setting at its default. */
    public Backend(String name, URI url, Secret apiKey, boolean enabled) {
        this(name, url, apiKey, enabled, AuthStyle.AUTO, Map.of(), TimeoutOverrides.NONE, EgressChoice.INHERIT,
                BackendProtocol.AUTO);
    }

    /**
     * The style actually used: {@code auth} unless it is {@code auto}, which picks by host: x-api-key for
     * api.anthropic.com, api-key for Azure OpenAI / AI Services hosts, else {@link AuthStyle.Client}.
     */
    public AuthStyle effectiveAuth() {
        if (!(auth instanceof AuthStyle.Auto)) {
            return auth;
        }
        String host = url.getHost().toLowerCase(Locale.ROOT);
        if (host.equals("api.anthropic.com")) {
            return AuthStyle.X_API_KEY;
        }
        for (String azure : List.of(".openai.azure.com", ".cognitiveservices.azure.com", ".services.ai.azure.com")) {
            if (host.endsWith(azure)) {
                return AuthStyle.API_KEY;
            }
        }
        return AuthStyle.CLIENT;
    }

    /** The timeouts for this backend: the global ones with its overrides applied. */
    public Timeouts timeouts(Timeouts global) {
        return timeouts.over(global);
    }

    /** Values of {@code headers} whose names look secret (key, token, auth, secret): masked in logs. */
    public List<Secret> secretHeaders() {
        return headers.entrySet().stream().filter(e -> isSecretName(e.getKey()))
                .map(e -> Secret.of(e.getValue())).filter(Secret::isSet).toList();
    }

    static boolean isSecretName(String header) {
        String n = header.toLowerCase(Locale.ROOT);
        return n.contains("key") || n.contains("token") || n.contains("auth") || n.contains("secret");
    }

    /** Header names only: values may be secrets. */
    @Override
    public String toString() {
        return "Backend[name=" + name + ", url=" + url + ", apiKey=" + apiKey + ", enabled=" + enabled + ", auth="
                + auth.label() + ", headers=" + headers.keySet() + ", timeouts=" + timeouts + ", proxy=" + proxy
                + ", protocol=" + protocol + "]";
    }
}
