package llmproxy.server;

import llmproxy.config.Backend;
import llmproxy.config.Config;
import llmproxy.config.Secret;
import llmproxy.logging.Log;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The running proxy, wired: the current config snapshot, the cooldowns that outlive it, the shared
 * HttpClient and the server. {@link #apply(Config)} is the one way a new config takes effect.
 */
public final class Gateway implements AutoCloseable {
    private final AtomicReference<Snapshot> current;
    private final CooldownRegistry cooldowns;
    private final Clock clock;
    private final Log log;
    private final ProxyServer server;
    private final CompletableFuture<HttpClient> http;
    private final WriteWatchdog watchdog;

    private Gateway(AtomicReference<Snapshot> current, CooldownRegistry cooldowns, Clock clock, Log log,
                    ProxyServer server, CompletableFuture<HttpClient> http, WriteWatchdog watchdog) {
        this.watchdog = watchdog;
        this.current = current;
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
        AtomicReference<Snapshot> current = new AtomicReference<>(Snapshot.of(config, clock.millis() / 1000));
        CooldownRegistry cooldowns = new CooldownRegistry(clock);
        CompletableFuture<HttpClient> http = new CompletableFuture<>();
        WriteWatchdog watchdog = new WriteWatchdog();
        ProxyHandler proxy = new ProxyHandler(new UpstreamClient(http), cooldowns,
                new CandidateOrder(ThreadLocalRandom::current), log, watchdog, List.of());
        ProxyServer server = ProxyServer.start(config.server(), current::get, proxy, log);
        int connectSeconds = config.timeouts().connectSeconds();
        Thread.ofPlatform().name("http-client-init").start(() -> {
            try {
                http.complete(newHttpClient(connectSeconds));
            } catch (RuntimeException | Error e) {
                http.completeExceptionally(e);
                return;
            }
            warmUp(http.join(), server.address().getPort());
        });
        return new Gateway(current, cooldowns, clock, log, server, http, watchdog);
    }

    private static HttpClient newHttpClient(int connectSeconds) {
        return HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(connectSeconds))
                .followRedirects(HttpClient.Redirect.NEVER)
                .proxy(HttpClient.Builder.NO_PROXY)
                // Run the client's completion stages on the thread that completes them. Its default pool
                // hands every response through extra platform threads (measured: ~25% more CPU per request,
                // ~80 threads at concurrency 64). Safe because nothing registered on it blocks: the body
                // subscriber only queues, and request threads wait on futures themselves.
                .executor(Runnable::run)
                .build();
    }

    /**
     * One request through the whole client and server stack, so the first real request does not pay for
     * loading and linking the HttpClient's classes (hundreds of milliseconds).
     */
    private static void warmUp(HttpClient http, int port) {
        try {
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException | RuntimeException e) {
            // Only an optimisation; a server bound to another interface simply is not warmed.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every secret of a config, for the log's masker. */
    public static List<Secret> secrets(Config config) {
        List<Secret> secrets = new ArrayList<>();
        if (config.proxyApiKey().isSet()) {
            secrets.add(config.proxyApiKey());
        }
        for (Backend b : config.backends()) {
            if (b.apiKey().isSet()) {
                secrets.add(b.apiKey());
            }
        }
        return secrets;
    }

    /**
     * Swaps in a new, already validated config: requests that started keep their snapshot; cooldowns of
     * pairs that still exist survive. Settings bound at start (listen, server limits, connect timeout)
     * need a restart, which is logged.
     */
    public void apply(Config next) {
        Snapshot old = current.get();
        Snapshot snap = Snapshot.of(next, clock.millis() / 1000);
        log.apply(next.logging(), secrets(next));
        current.set(snap);
        cooldowns.retainOnly(snap.routes().pairs());
        Config prev = old.config();
        if (!prev.listen().equals(next.listen())) {
            log.warn("config: listen changed from \"" + prev.listen() + "\" to \"" + next.listen()
                    + "\"; a restart is needed, still serving on " + address());
        }
        if (!prev.server().equals(next.server())) {
            log.warn("config: server settings changed; max_concurrent and max_body_mb apply now, the others need a restart");
        }
        if (prev.timeouts().connectSeconds() != next.timeouts().connectSeconds()) {
            log.warn("config: timeouts.connect_seconds changed; it applies after a restart");
        }
    }

    public Snapshot snapshot() {
        return current.get();
    }

    public CooldownRegistry cooldowns() {
        return cooldowns;
    }

    public InetSocketAddress address() {
        return server.address();
    }

    /** Graceful: drain in-flight requests for up to the configured grace period. */
    public void shutdown() {
        server.shutdown(current.get().config().server().shutdownGraceSeconds());
    }

    @Override
    public void close() {
        server.stop();
        watchdog.close();
        http.thenAccept(HttpClient::shutdownNow);
    }
}
