package llmproxy.config;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * Outbound network settings: the egress proxy for https:// and http:// backends (the same one when set by
 * {@code upstream_proxy}, else from HTTPS_PROXY / HTTP_PROXY), the hosts that bypass it, where that came from
 * ("config", "environment" or "none"), and the extra CA certificates trusted besides the JDK's own.
 */
public record Network(ProxyAddress httpsProxy, ProxyAddress httpProxy, NoProxy noProxy, String source,
                      List<String> caFiles, List<X509Certificate> caCertificates) {
    public static final Network NONE = new Network(null, null, NoProxy.NONE, "none", List.of(), List.of());

    public Network {
        Objects.requireNonNull(noProxy, "noProxy");
        Objects.requireNonNull(source, "source");
        caFiles = List.copyOf(caFiles);
        caCertificates = List.copyOf(caCertificates);
    }

    /** The proxy {@code backend} goes through, or null for a direct connection. */
    public ProxyAddress proxyFor(Backend backend) {
        return switch (backend.proxy()) {
            case EgressChoice.Direct d -> null;
            case EgressChoice.Via v -> v.proxy();
            case EgressChoice.Inherit i -> noProxy.bypasses(backend.url().getHost()) ? null
                    : "https".equalsIgnoreCase(backend.url().getScheme()) ? httpsProxy : httpProxy;
        };
    }

    /** For the start-up log and {@code -check}: {@code direct} or {@code via http://host:port (why)}. */
    public String describeProxy(Backend backend) {
        ProxyAddress p = proxyFor(backend);
        String why = switch (backend.proxy()) {
            case EgressChoice.Direct d -> "backend proxy: none";
            case EgressChoice.Via v -> "backend proxy";
            case EgressChoice.Inherit i -> source.equals("none") ? ""
                    : noProxy.bypasses(backend.url().getHost()) ? "no_proxy" : source.equals("config") ? "upstream_proxy"
                    : "environment";
        };
        return (p == null ? "direct" : "via " + p) + (why.isEmpty() ? "" : " (" + why + ")");
    }
}
