package llmproxy.net;

import llmproxy.config.Backend;
import llmproxy.config.Config;
import llmproxy.config.ProxyAddress;

import javax.net.ssl.SSLContext;
import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The upstream HttpClients: one per distinct (connect timeout, egress proxy) among the backends, all
 * sharing one SSLContext (the JDK's CAs plus {@code tls.ca_files}). A backend's client therefore has a
 * fixed proxy choice, so two backends on the same host can still go different ways. Built lazily and
 * kept, so a reload that only changes timeouts or proxies needs no rebuild; new CAs need a new instance.
 */
public final class HttpClients {
    /** Set before the JDK's HTTP client classes load: they read it once. Empty = Basic allowed for tunnels. */
    public static final String TUNNEL_DISABLED_SCHEMES = "jdk.http.auth.tunneling.disabledSchemes";

    private record Key(int connectSeconds, ProxyAddress proxy) {
    }

    private final SSLContext ssl;
    private final Config config;
    private final Map<Key, HttpClient> clients;

    private HttpClients(SSLContext ssl, Config config, Map<Key, HttpClient> clients) {
        this.ssl = ssl;
        this.config = config;
        this.clients = clients;
    }

    /** Sets up TLS for {@code config} (hundreds of milliseconds on a cold JVM) and builds its backends' clients. */
    public static HttpClients create(Config config) {
        HttpClients c = new HttpClients(TlsContexts.client(config.network().caCertificates()), config,
                new ConcurrentHashMap<>());
        for (Backend b : config.backends()) {
            c.forBackend(b);
        }
        return c;
    }

    /**
     * Clients for a reloaded config: the same ones where the connect timeout and proxy are unchanged, all
     * new ones (a new SSLContext) when the extra CAs changed. Replaced clients are left to finish their
     * requests and be collected.
     */
    public HttpClients reconfigure(Config next) {
        return config.network().caCertificates().equals(next.network().caCertificates())
                ? new HttpClients(ssl, next, clients) : create(next);
    }

    /**
     * Allows Basic proxy credentials on CONNECT tunnels (the JDK disables them by default) unless the
     * operator set the property. Must run before the first HttpClient is built; see {@link #tunnelBasicEnabled()}.
     */
    public static void allowBasicForTunnels() {
        if (System.getProperty(TUNNEL_DISABLED_SCHEMES) == null) {
            System.setProperty(TUNNEL_DISABLED_SCHEMES, "");
        }
    }

    /** Whether the property allows Basic for tunnels (it only takes effect if set before the first HttpClient). */
    public static boolean tunnelBasicEnabled() {
        String v = System.getProperty(TUNNEL_DISABLED_SCHEMES);
        return v != null && !v.toLowerCase(Locale.ROOT).contains("basic");
    }

    /** The client for {@code backend}, whose proxy is resolved against this instance's config's network settings. */
    public HttpClient forBackend(Backend backend) {
        int connect = backend.timeouts(config.timeouts()).connectSeconds();
        return clients.computeIfAbsent(new Key(connect, config.network().proxyFor(backend)), this::build);
    }

    /** The egress proxy {@code backend} goes through, or null for a direct connection. */
    public ProxyAddress proxyFor(Backend backend) {
        return config.network().proxyFor(backend);
    }

    /** Any client, for requests that concern no backend (the warm-up). */
    public HttpClient any() {
        return clients.computeIfAbsent(new Key(config.timeouts().connectSeconds(), null), this::build);
    }

    /** Stops every client at once (process exit and tests). */
    public void shutdownNow() {
        clients.values().forEach(HttpClient::shutdownNow);
    }

    private HttpClient build(Key key) {
        HttpClient.Builder b = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(key.connectSeconds()))
                .followRedirects(HttpClient.Redirect.NEVER)
                .sslContext(ssl)
                // Run the client's completion stages on the thread that completes them. Its default pool
                // hands every response through extra platform threads (measured: ~25% more CPU per request,
                // ~80 threads at concurrency 64). Safe because nothing registered on it blocks: the body
                // subscriber only queues, and request threads wait on futures themselves.
                .executor(Runnable::run);
        ProxyAddress p = key.proxy();
        if (p == null) {
            b.proxy(HttpClient.Builder.NO_PROXY);
        } else {
            b.proxy(ProxySelector.of(InetSocketAddress.createUnresolved(p.host(), p.port())));
            if (p.hasCredentials()) {
                b.authenticator(new ProxyCredentials(p));
            }
        }
        return b.build();
    }

    /** Answers proxy challenges (407) only; a backend's own 401 goes back to the client untouched. */
    private static final class ProxyCredentials extends Authenticator {
        private final ProxyAddress proxy;

        ProxyCredentials(ProxyAddress proxy) {
            this.proxy = proxy;
        }

        @Override
        protected PasswordAuthentication getPasswordAuthentication() {
            if (getRequestorType() != RequestorType.PROXY) {
                return null;
            }
            return new PasswordAuthentication(proxy.user(), proxy.password().value().toCharArray());
        }
    }
}
