package llmproxy.protocol;

import llmproxy.config.AuthStyle;
import llmproxy.config.Backend;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * What one attempt adds for its backend: the configured {@code headers} and the {@code api_key} in the
 * backend's effective {@link AuthStyle}. Pure: headers go to a setter (set, not add: they replace any
 * value of the same name), a query credential comes back in the returned URI.
 */
public final class Credentials {
    /** How the client presented its own key; decides {@link AuthStyle.Client}. */
    public enum ClientStyle { BEARER, X_API_KEY }

    private Credentials() {
        throw new AssertionError();
    }

    /**
     * Sets the credential, then the backend's extra headers (so a configured header of the same name wins),
     * and returns {@code uri}, with {@code ?NAME=KEY} appended for a query style. No key, no credential.
     */
    public static URI apply(Backend backend, ClientStyle client, BiConsumer<String, String> setHeader, URI uri) {
        URI target = uri;
        if (backend.apiKey().isSet()) {
            String key = backend.apiKey().value();
            switch (backend.effectiveAuth()) {
                case AuthStyle.Client c -> {
                    if (client == ClientStyle.X_API_KEY) {
                        setHeader.accept("x-api-key", key);
                    } else {
                        setHeader.accept("Authorization", "Bearer " + key);
                    }
                }
                case AuthStyle.Bearer b -> setHeader.accept("Authorization", "Bearer " + key);
                case AuthStyle.Header h -> setHeader.accept(h.name(), key);
                case AuthStyle.Query q -> target = withQuery(uri, q.name(), key);
                case AuthStyle.None n -> { }
                case AuthStyle.Auto a -> throw new IllegalStateException("effectiveAuth() never returns auto");
            }
        }
        for (Map.Entry<String, String> h : backend.headers().entrySet()) {
            setHeader.accept(h.getKey(), h.getValue());
        }
        return target;
    }

    /** {@code uri} with {@code name=value} (both URL-encoded) appended to its query. */
    static URI withQuery(URI uri, String name, String value) {
        String param = URLEncoder.encode(name, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
        String query = uri.getRawQuery() == null || uri.getRawQuery().isEmpty() ? param : uri.getRawQuery() + "&" + param;
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + path + "?" + query
                + (uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment()));
    }
}
