package llmproxy.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** One fake provider listening on 127.0.0.1 and an ephemeral port, a virtual thread per exchange. */
final class FakeServer implements AutoCloseable {
    static final String HOST = "127.0.0.1";

    private final HttpServer server;
    private final ExecutorService executor;

    private FakeServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    static FakeServer start(HttpHandler provider) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(HOST, 0), 0);
        server.createContext("/", exchange -> serve(provider, exchange));
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.start();
        return new FakeServer(server, executor);
    }

    private static void serve(HttpHandler provider, HttpExchange exchange) {
        try (exchange) {
            provider.handle(exchange);
        } catch (IOException | RuntimeException e) {
            // The proxy went away mid-answer (its client hung up); there is nobody left to tell.
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The base URL a backend entry points at. */
    String baseUrl() {
        return "http://" + HOST + ":" + port() + "/v1";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
