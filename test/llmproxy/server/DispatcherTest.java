package llmproxy.server;

import com.sun.net.httpserver.HttpServer;
import llmproxy.logging.CapturedLog;
import llmproxy.logging.Log;
import llmproxy.routing.Snapshot;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dispatcher's last line of defence: a bug becomes a 500 JSON error, and the server lives on. */
class DispatcherTest {
    @Test
    void unexpectedExceptionBecomes500WithRequestIdAndNoStackTrace() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Supplier<Snapshot> broken = () -> {
            calls.incrementAndGet();
            throw new IllegalStateException("secret internal detail");
        };
        CapturedLog captured = new CapturedLog();
        Log log = captured.log();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", new Dispatcher(broken, null, new RequestIds(new SplittableRandom(42)), log, null));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        try (HttpClient client = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build()) {
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/chat/completions");
            HttpRequest req = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString("{}")).build();

            HttpResponse<String> first = client.send(req, HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> second = client.send(req, HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(uri.resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());

            String rid = first.headers().firstValue("x-request-id").orElseThrow();
            assertEquals(500, first.statusCode());
            assertEquals("application/json", first.headers().firstValue("content-type").orElseThrow());
            assertEquals("{\"error\":{\"message\":\"internal error; request id " + rid
                    + "\",\"type\":\"server_error\",\"code\":\"internal_error\"}}", first.body());
            assertFalse(first.body().contains("secret internal detail") || first.body().contains("at llmproxy"));
            assertEquals(500, second.statusCode());
            assertEquals(200, health.statusCode());
            assertEquals(2, calls.get());
            String logged = captured.text();
            assertTrue(logged.contains("[ERROR] [" + rid + "] unexpected error handling POST /v1/chat/completions"),
                    logged);
            assertTrue(logged.contains("java.lang.IllegalStateException: secret internal detail"),
                    "the stack trace goes to the log only: " + logged);
        } finally {
            server.stop(0);
            log.close();
        }
    }
}
