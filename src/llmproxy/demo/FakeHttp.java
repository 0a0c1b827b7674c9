package llmproxy.demo;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What the fake providers share: a bounded body read, fixed-length JSON answers and SSE events. */
final class FakeHttp {
    /** A demo prompt is small; anything larger is refused rather than held. */
    static final int MAX_BODY_BYTES = 1 << 20;

    private FakeHttp() {
        throw new AssertionError();
    }

    /** The request body, or null when it is larger than {@link #MAX_BODY_BYTES}. */
    static byte[] body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            return body.length > MAX_BODY_BYTES ? null : body;
        }
    }

    static void json(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** Sends a 200 event-stream head; the body is then written event by event. */
    static OutputStream eventStream(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        return exchange.getResponseBody();
    }

    /** Writes one SSE event (its lines, then the blank line) and flushes it, so it leaves at once. */
    static void event(OutputStream out, String event) throws IOException {
        out.write((event + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Paces a stream like a model generating text; an interrupt (shutdown) ends the pause early. */
    static void pause(Duration pace) {
        if (pace.isZero()) {
            return;
        }
        try {
            Thread.sleep(pace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code text} in stream-sized pieces: words, each but the first with its leading space. */
    static List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>();
        int from = 0;
        for (int i = 1; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == ' ') {
                pieces.add(text.substring(from, i));
                from = i;
            }
        }
        return pieces;
    }

    /** A rough token count for the usage fields: four bytes per token, as the providers' rule of thumb says. */
    static int tokens(int bytes) {
        return Math.max(1, bytes / 4);
    }
}
