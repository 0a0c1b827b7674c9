package llmproxy.testkit;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted upstream on 127.0.0.1:0: records every request it receives and answers with the script
 * (statuses, bodies, delays, SSE streams, dropped connections).
 */
public final class MockUpstream implements AutoCloseable {
    /** One request as the upstream saw it. */
    public record Recorded(String method, String path, String query, Headers headers, byte[] body) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return headers.getFirst(name);
        }
    }

    /** How the upstream answers one request. */
    @FunctionalInterface
    public interface Script {
        void respond(HttpExchange exchange, Recorded request) throws Exception;
    }

    private final HttpServer server;
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger closedEarly = new AtomicInteger();
    private volatile Script script;

    private MockUpstream(HttpServer server, Script script) {
        this.server = server;
        this.script = script;
    }

    public static MockUpstream start(Script script) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        MockUpstream mock = new MockUpstream(server, script);
        server.createContext("/", mock::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return mock;
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        Headers copy = new Headers();
        copy.putAll(exchange.getRequestHeaders());
        Recorded r = new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(), copy, body);
        requests.add(r);
        try {
            script.respond(exchange, r);
        } catch (IOException e) {
            closedEarly.incrementAndGet();
            throw e;
        } catch (RuntimeException e) {
            // Leaving without close(): HttpServer drops the connection, as a crashing upstream would.
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
        exchange.close();
    }

    public void script(Script s) {
        this.script = s;
    }

    /** Base URL, e.g. {@code http://127.0.0.1:40123}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public List<Recorded> requests() {
        return new ArrayList<>(requests);
    }

    public int count() {
        return requests.size();
    }

    public Recorded last() {
        return requests.get(requests.size() - 1);
    }

    /** How many responses failed because the proxy (our client) went away while we were writing. */
    public int closedEarly() {
        return closedEarly.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ---- scripts ----

    public static Script json(int status, String body) {
        return respond(status, "application/json", body, Map.of());
    }

    public static Script respond(int status, String contentType, String body, Map<String, String> headers) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return (ex, req) -> {
            ex.getResponseHeaders().set("Content-Type", contentType);
            headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                ex.getResponseBody().write(bytes);
            }
        };
    }

    /** A chat.completion answer naming the model the upstream received. */
    public static Script chatOk(String tag) {
        return (ex, req) -> {
            byte[] bytes = ("{\"id\":\"" + tag + "\",\"object\":\"chat.completion\",\"choices\":[]}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, bytes.length);
            ex.getResponseBody().write(bytes);
        };
    }

    /** SSE events written {@code delayMs} apart, each flushed; ends with {@code data: [DONE]} when asked. */
    public static Script sse(List<String> events, long delayMs, boolean done) {
        return (ex, req) -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            for (String e : events) {
                out.write(("data: " + e + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(delayMs);
            }
            if (done) {
                out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    /** Waits for {@code gate} before answering (e.g. to prove chunks arrive before the upstream ends). */
    public static Script awaiting(CountDownLatch gate, Script then) {
        return (ex, req) -> {
            if (!gate.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gate never opened");
            }
            then.respond(ex, req);
        };
    }

    public static Script delayed(long ms, Script then) {
        return (ex, req) -> {
            Thread.sleep(ms);
            then.respond(ex, req);
        };
    }

    /** Closes the connection without any answer. */
    public static Script drop() {
        return (ex, req) -> {
            throw new IllegalStateException("dropping the connection on purpose");
        };
    }

    /** The n-th request gets the n-th script; later ones get the last. */
    public static Script sequence(Script... scripts) {
        AtomicInteger n = new AtomicInteger();
        return (ex, req) -> scripts[Math.min(n.getAndIncrement(), scripts.length - 1)].respond(ex, req);
    }
}
