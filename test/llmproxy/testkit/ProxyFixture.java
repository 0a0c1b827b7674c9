package llmproxy.testkit;

import llmproxy.config.Config;
import llmproxy.config.ConfigException;
import llmproxy.config.ConfigLoader;
import llmproxy.logging.CapturedLog;
import llmproxy.logging.Log;
import llmproxy.server.Gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * A real gateway on 127.0.0.1:0 started from YAML text, plus a real HttpClient to call it.
 * In the YAML, {@code ${NAME}} placeholders may be passed as env entries (e.g. mock upstream URLs).
 */
public final class ProxyFixture implements AutoCloseable {
    private final Gateway gateway;
    private final CapturedLog captured;
    private final Log log;
    private final HttpClient client;

    private ProxyFixture(Gateway gateway, CapturedLog captured) {
        this.gateway = gateway;
        this.captured = captured;
        this.log = captured.log();
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    public static Config config(String yaml, Map<String, String> env) {
        try {
            return new ConfigLoader(env).parse(yaml, Path.of("test.yaml"));
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    public static ProxyFixture start(String yaml, Map<String, String> env) {
        return start(config(yaml, env), Clock.systemUTC());
    }

    public static ProxyFixture start(Config config, Clock clock) {
        CapturedLog captured = new CapturedLog();
        captured.log().apply(config.logging(), config.secrets());
        try {
            return new ProxyFixture(Gateway.start(config, captured.log(), clock), captured);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Gateway gateway() {
        return gateway;
    }

    public Log log() {
        return log;
    }

    /**
     * Waits until no request is in flight, then until the log has written everything: a client has its answer a
     * moment before the proxy has logged the request, so a test reading logs right after a response must settle.
     */
    public void settle() {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (gateway.inFlight() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5); // polling the condition above, with a deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        log.flush();
    }

    /** What the proxy logged to its console (kept off the build's console). */
    public String logOutput() {
        settle();
        return captured.text();
    }

    public HttpClient client() {
        return client;
    }

    public int port() {
        return gateway.address().getPort();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /** POSTs {@code body} with the given header name/value pairs; the response body as a String. */
    public HttpResponse<String> post(String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    public HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        gateway.close();
        log.close();
        client.shutdownNow();
    }
}
