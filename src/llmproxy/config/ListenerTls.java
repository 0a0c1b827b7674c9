package llmproxy.config;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * The listener's TLS identity ({@code server.tls}), already loaded and checked to be a matching pair.
 * {@code source} names the files it came from. Equal when the key and chain are, so a reload can tell
 * whether it changed.
 */
public record ListenerTls(String source, PrivateKey key, List<X509Certificate> chain) {
    public ListenerTls {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(key, "key");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("empty certificate chain");
        }
    }

    @Override
    public String toString() {
        return "ListenerTls[" + source + ", " + chain.get(0).getSubjectX500Principal() + "]";
    }
}
