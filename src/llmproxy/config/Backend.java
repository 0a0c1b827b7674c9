package llmproxy.config;

import java.net.URI;
import java.util.Objects;

/** One upstream provider: where it is and the key the proxy sends it. */
public record Backend(String name, URI url, Secret apiKey, boolean enabled) {
    public Backend {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        apiKey = apiKey == null ? Secret.NONE : apiKey;
    }
}
