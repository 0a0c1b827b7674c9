package llmproxy.hardening;

import llmproxy.testkit.MockUpstream;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Well-behaved upstream scripts for the hardening tests. Every answer carries {@code Connection: close},
 * so the proxy's HttpClient pools nothing and descriptor counts before and after are comparable.
 */
final class Upstreams {
    static final String CHAT_BODY = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[]}";

    private Upstreams() {
        throw new AssertionError();
    }

    static MockUpstream.Script chat() {
        byte[] bytes = CHAT_BODY.getBytes(StandardCharsets.UTF_8);
        return (ex, req) -> {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.getResponseHeaders().set("Connection", "close");
            ex.sendResponseHeaders(200, bytes.length);
            ex.getResponseBody().write(bytes);
        };
    }

    /** {@code events} SSE events {@code gapMs} apart, then {@code data: [DONE]}. */
    static MockUpstream.Script sse(int events, long gapMs) {
        return (ex, req) -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.getResponseHeaders().set("Connection", "close");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            for (int i = 0; i < events; i++) {
                out.write(("data: {\"n\":" + i + "}\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(gapMs);
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        };
    }

    /** A non-SSE 200 of {@code size} bytes, streamed chunked in 64 KiB slices. */
    static MockUpstream.Script large(long size) {
        return (ex, req) -> {
            ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
            ex.getResponseHeaders().set("Connection", "close");
            ex.sendResponseHeaders(200, 0);
            RawHttp.writeRepeated(ex.getResponseBody(), (byte) 'x', size);
        };
    }
}
