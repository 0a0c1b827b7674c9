package llmproxy.config;

import java.net.URI;
import java.util.Objects;

/** One upstream provider: where it is, the key the proxy sends it, and the chat protocol it speaks. */
public record Backend(String name, URI url, Secret apiKey, boolean enabled, BackendProtocol protocol) {
    public Backend {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        apiKey = apiKey == null ? Secret.NONE : apiKey;
        protocol = protocol == null ? BackendProtocol.AUTO : protocol;
    }

    public Backend(String name, URI url, Secret apiKey, boolean enabled) {
        this(name, url, apiKey, enabled, BackendProtocol.AUTO);
    }
}
