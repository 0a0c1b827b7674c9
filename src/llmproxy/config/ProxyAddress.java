package llmproxy.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An HTTP egress proxy, {@code http://[user:pass@]host:port}. The credentials are secrets: toString()
 * never shows them, {@link Config#secrets()} hands them to the log masker.
 */
public record ProxyAddress(String host, int port, String user, Secret password) {
    public ProxyAddress {
        Objects.requireNonNull(host, "host");
        user = user == null ? "" : user;
        password = password == null ? Secret.NONE : password;
    }

    /** @throws IllegalArgumentException when {@code text} is not an http:// proxy URL with host and port */
    static ProxyAddress parse(String text) {
        String bad = "must be an http proxy URL such as \"http://proxy.corp:3128\" or \"http://user:pass@proxy.corp:3128\"";
        URI uri;
        try {
            // Bare "host:port" (common in HTTPS_PROXY) means http://host:port.
            uri = new URI(text.strip().contains("://") ? text.strip() : "http://" + text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(bad);
        }
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException(bad + "; only http:// proxies are supported (HTTPS still goes through"
                    + " a CONNECT tunnel)");
        }
        if (uri.getHost() == null || uri.getPort() < 0) {
            throw new IllegalArgumentException(bad + " (with a host and a port)");
        }
        String path = uri.getRawPath();
        if (path != null && !path.isEmpty() && !path.equals("/") || uri.getRawQuery() != null) {
            throw new IllegalArgumentException(bad + " (no path or query)");
        }
        String user = "";
        String password = "";
        String info = uri.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? "" : decode(info.substring(colon + 1));
        }
        return new ProxyAddress(uri.getHost(), uri.getPort(), user, Secret.of(password));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    public boolean hasCredentials() {
        return !user.isEmpty();
    }

    /** {@code http://host:port}, with {@code user:****@} when it has credentials; never the password. */
    @Override
    public String toString() {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "http://" + (hasCredentials() ? user + ":****@" : "") + h + ":" + port;
    }
}
