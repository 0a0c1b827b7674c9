package llmproxy.server;

import llmproxy.access.RateLimiter;
import llmproxy.config.Backend;
import llmproxy.config.Config;
import llmproxy.config.ConfigException;
import llmproxy.metrics.ProxyMetrics;
import llmproxy.routing.Candidate;
import llmproxy.config.ServerSettings;
import llmproxy.logging.Log;
import llmproxy.net.HttpClients;
import llmproxy.proxy.ProxyHandler;
import llmproxy.proxy.UpstreamClient;
import llmproxy.proxy.WriteWatchdog;
import llmproxy.routing.CandidateOrder;
import llmproxy.routing.CooldownRegistry;
import llmproxy.routing.Snapshot;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The running proxy, wired: the current config snapshot, the cooldowns that outlive it, the shared
 * HttpClient and the server. {@link #apply(Config)} is the one way a new config takes effect.
 */
public final class Gateway implements AutoCloseable {
    private final AtomicReference<Snapshot> current;
    /** The config the server was started with: what listen and the start-up-only settings are in effect. */
    private final Config started;
    private final CooldownRegistry cooldowns;
    private final Clock clock;
    private final Log log;
    private final ProxyServer server;
    private final AtomicReference<CompletableFuture<HttpClients>> http;
    private final WriteWatchdog watchdog;
    private final Operations ops;

    private Gateway(AtomicReference<Snapshot> current, CooldownRegistry cooldowns, Clock clock, Log log,
                    ProxyServer server, AtomicReference<CompletableFuture<HttpClients>> http, WriteWatchdog watchdog,
                    Operations ops) {
        this.watchdog = watchdog;
        this.ops = ops;
        this.current = current;
        this.started = current.get().config();
        this.cooldowns = cooldowns;
        this.clock = clock;
        this.log = log;
        this.server = server;
        this.http = http;
    }

    /**
     * Starts serving {@code config}; the log is expected to have the config's settings applied. The HttpClient
     * is built in the background: its TLS set-up takes hundreds of milliseconds, and health checks, which
     * need no client, should answer as soon as the socket is bound. Proxied requests wait for it.
     */
    public static Gateway start(Config config, Log log, Clock clock) throws IOException {
        return start(config, log, clock, "dev");
    }

    /** As {@link #start(Config, Log, Clock)}, reporting {@code version} in /status and build_info. */
    public static Gateway start(Config config, Log log, Clock clock, String version) throws IOException {
        AtomicReference<Snapshot> current = new AtomicReference<>(Snapshot.of(config, clock.millis() / 1000));
        CooldownRegistry cooldowns = new CooldownRegistry(clock);
        ProxyMetrics metrics = new ProxyMetrics(version, log::droppedLines,
                (b, m) -> cooldowns.until(new Candidate.Pair(b, m)) > 0, clock::millis);
        Operations ops = new Operations(version, clock, metrics, new RateLimiter(System::nanoTime), cooldowns);
        ops.configured(current.get());
        CompletableFuture<HttpClients> first = new CompletableFuture<>();
        AtomicReference<CompletableFuture<HttpClients>> http = new AtomicReference<>(first);
        WriteWatchdog watchdog = new WriteWatchdog();
        ProxyHandler proxy = new ProxyHandler(new UpstreamClient(() -> http.get().join()), cooldowns,
                new CandidateOrder(ThreadLocalRandom::current), log, watchdog, List.of(new MetricsListener(metrics)),
                ThreadLocalRandom::current);
        ProxyServer server = ProxyServer.start(config.server(), current::get, proxy, log, ops);
        Thread.ofPlatform().name("http-client-init").start(() -> {
            try {
                first.complete(HttpClients.create(config));
            } catch (RuntimeException | Error e) {
                first.completeExceptionally(e);
                return;
            }
            warmUp(first.join().any(), server.address(), config.server().tls() != null);
        });
        logEgress(config, log);
        return new Gateway(current, cooldowns, clock, log, server, http, watchdog, ops);
    }

    /** Says which way each backend leaves the machine, and which CAs it trusts beyond the JDK's. */
    private static void logEgress(Config config, Log log) {
        for (Backend b : config.backends()) {
            log.info("backend " + b.name() + ": " + config.network().describeProxy(b) + ", auth "
                    + b.effectiveAuth().label());
        }
        boolean proxyCredentials = config.backends().stream().map(config.network()::proxyFor)
                .anyMatch(p -> p != null && p.hasCredentials());
        if (proxyCredentials && !HttpClients.tunnelBasicEnabled()) {
            log.warn("egress proxy credentials are set but " + HttpClients.TUNNEL_DISABLED_SCHEMES
                    + " disables Basic for tunnels; https:// backends through the proxy will get 407");
        }
        if (!config.network().caFiles().isEmpty()) {
            log.info("trusting the JDK's CAs plus " + config.network().caCertificates().size() + " from "
                    + String.join(", ", config.network().caFiles()));
        }
    }

    /**
     * One request through the whole client and server stack, so the first real request does not pay for
     * loading and linking the HttpClient's classes (hundreds of milliseconds). Skipped for a TLS listener,
     * whose certificate the client need not trust.
     */
    private static void warmUp(HttpClient http, InetSocketAddress address, boolean tls) {
        if (tls) {
            return;
        }
        int port = address.getPort();
        try {
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException | RuntimeException e) {
            // Only an optimisation; a server bound to another interface simply is not warmed.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Swaps in a new, already validated config: requests that started keep their snapshot; cooldowns of
     * pairs that still exist survive. A change of a setting bound at start (listen, the server's socket
     * timeouts and connection cap, its TLS) is logged as needing a restart, only when it differs from what is in effect.
     */
    public void apply(Config next) {
        Snapshot old = current.get();
        Snapshot snap = Snapshot.of(next, clock.millis() / 1000);
        log.apply(next.logging(), next.secrets());
        current.set(snap);
        cooldowns.retainOnly(snap.routes().pairs());
        ops.configured(snap);
        Config prev = old.config();
        if (ConfigChanges.listenNeedsRestart(started, address().getPort(), prev, next)) {
            log.warn("config: listen changed from \"" + prev.listen() + "\" to \"" + next.listen()
                    + "\"; a restart is needed, still serving on " + HostPort.format(address()));
        }
        List<String> restart = ConfigChanges.needingRestart(started, prev, next);
        if (!restart.isEmpty()) {
            log.warn("config: " + String.join(", ", restart) + " changed; "
                    + (restart.size() == 1 ? "it applies" : "they apply") + " after a restart");
        }
        if (!Objects.equals(prev.server().tls(), next.server().tls())) {
            log.warn("config: server.tls changed; it applies after a restart");
        }
        // Clients for new connect timeouts, proxies or CAs; requests in flight keep the clients they hold.
        http.updateAndGet(f -> f.thenApply(c -> c.reconfigure(next)));
        if (!prev.network().equals(next.network()) || !prev.backends().equals(next.backends())) {
            logEgress(next, log);
        }
    }

    /** Proxied requests being handled now (a request ends after its log line and trace, not with its answer). */
    public int inFlight() {
        return server.inFlight();
    }

    public Snapshot snapshot() {
        return current.get();
    }

    /** The config file being watched, and the SHA-256 (hex) of the content being served. */
    void watching(String path, String sha256) {
        ops.watching(path, sha256);
    }

    /** A reload of content with this SHA-256 (hex) was applied. */
    void reloaded(String sha256) {
        ops.reloaded(sha256);
    }

    /** A reload failed; the current config stays. */
    void reloadFailed(ConfigException e) {
        ops.reloadFailed(e);
    }

    public CooldownRegistry cooldowns() {
        return cooldowns;
    }

    public InetSocketAddress address() {
        return server.address();
    }

    /** Graceful: drain in-flight requests for up to the configured grace period; true when all finished. */
    public boolean shutdown() {
        return server.shutdown(current.get().config().server().shutdownGraceSeconds());
    }

    @Override
    public void close() {
        server.stop();
        watchdog.close();
        http.get().thenAccept(HttpClients::shutdownNow);
    }
}
