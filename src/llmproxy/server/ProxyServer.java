package llmproxy.server;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import llmproxy.config.ServerSettings;
import llmproxy.logging.Log;
import llmproxy.net.TlsContexts;
import llmproxy.proxy.ProxyHandler;
import llmproxy.routing.Snapshot;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The listening HTTP server: JDK HttpServer (HttpsServer, HTTP/1.1, with {@code server.tls}), one virtual
 * thread per exchange, one {@link Dispatcher}.
 * Its socket-level limits are JVM-wide system properties read once, so they apply at start only.
 */
public final class ProxyServer {
    private final HttpServer server;
    private final ExecutorService executor;
    private final Dispatcher dispatcher;
    private final Log log;

    private ProxyServer(HttpServer server, ExecutorService executor, Dispatcher dispatcher, Log log) {
        this.server = server;
        this.executor = executor;
        this.dispatcher = dispatcher;
        this.log = log;
    }

    /**
     * Sets the JDK server's limits. Must run before the first HttpServer is created, because the JDK reads
     * these properties once, in a static initialiser.
     */
    public static void configureJdkServer(ServerSettings s) {
        // Nagle's algorithm delays small chunked writes (SSE events) by up to 40 ms.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        // Slow clients (slowloris) may take this long to send headers and body, then the connection closes.
        System.setProperty("sun.net.httpserver.maxReqTime", Integer.toString(s.readTimeoutSeconds()));
        System.setProperty("sun.net.httpserver.idleInterval", Integer.toString(s.idleTimeoutSeconds()));
        // Idle and never-used connections are only checked on this tick (JDK default 10 s), which would let
        // them outlive idle_timeout_seconds and read_timeout_seconds by that much.
        System.setProperty("sun.net.httpserver.clockTick", "1000");
        System.setProperty("sun.net.httpserver.maxReqHeaders", "200");
        System.setProperty("sun.net.httpserver.maxReqHeaderSize", Integer.toString(64 * 1024));
        // A refused oversized body is drained at most this far before the connection is dropped.
        System.setProperty("sun.net.httpserver.drainAmount", Integer.toString(64 * 1024));
        // Beyond this many open connections the JDK accepts and at once closes new ones. Without a cap, running
        // out of descriptors makes its accept loop spin at full CPU and /health stop answering. (The JDK reads
        // jdk.httpserver.maxConnections; there is no sun.net.httpserver spelling of this one.)
        System.setProperty("jdk.httpserver.maxConnections", Integer.toString(s.maxConnections()));
    }

    /** Binds and starts serving; the snapshot supplier is read once per request. */
    static ProxyServer start(ServerSettings settings, Supplier<Snapshot> snapshots, ProxyHandler proxy, Log log,
                             Operations ops) throws IOException {
        InetSocketAddress address = settings.host().isEmpty()
                ? new InetSocketAddress(settings.port())
                : new InetSocketAddress(settings.host(), settings.port());
        DescriptorLimit.warnIfBelow(settings.maxConnections(), DescriptorLimit.LINUX, log);
        HttpServer server;
        if (settings.tls() == null) {
            server = HttpServer.create(address, 1024);
        } else {
            HttpsServer https = HttpsServer.create(address, 1024);
            https.setHttpsConfigurator(new HttpsConfigurator(TlsContexts.server(settings.tls())));
            server = https;
        }
        Dispatcher dispatcher = new Dispatcher(snapshots, proxy, new RequestIds(new SecureRandom()), log, ops);
        server.createContext("/", dispatcher);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.start();
        return new ProxyServer(server, executor, dispatcher, log);
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Proxied requests being handled now; a request counts until its log trace is handed over. */
    public int inFlight() {
        return dispatcher.inFlight();
    }

    /**
     * Graceful stop: /health turns 503, the listener closes, in-flight requests and streams get up to
     * {@code graceSeconds} to finish, then every connection is closed. True when every request finished.
     */
    public boolean shutdown(int graceSeconds) {
        dispatcher.startDraining();
        int inFlight = dispatcher.inFlight();
        log.info("shutting down: draining " + inFlight + " in-flight request(s), grace " + graceSeconds + "s");
        Thread stopper = Thread.ofPlatform().name("http-stop").start(() -> server.stop(graceSeconds));
        long deadline = System.nanoTime() + graceSeconds * 1_000_000_000L;
        try {
            while (dispatcher.inFlight() > 0 && System.nanoTime() < deadline && stopper.isAlive()) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int left = dispatcher.inFlight();
        if (left > 0) {
            log.warn("shutdown: grace period over, closing " + left + " unfinished request(s)");
        } else {
            log.info("shutdown: all requests finished");
        }
        executor.shutdownNow();
        return left == 0;
    }

    /** Immediate stop, for tests. */
    public void stop() {
        server.stop(0);
        executor.shutdownNow();
    }
}
