package llmproxy.proxy;

import llmproxy.routing.Candidate;
import llmproxy.testkit.Closer;
import llmproxy.testkit.MockUpstream;
import llmproxy.testkit.ProxyFixture;
import llmproxy.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SSE relay, mid-stream failures, client disconnects and timeouts, end to end. */
class StreamingEndToEndTest {
    static final String CONFIG = """
            listen: "127.0.0.1:0"
            backends:
              - name: a
                url: "${A}"
              - name: b
                url: "${B}"
            models:
              "m":
                routes:
                  - backend: a
                    model: "ma"
                    priority: 1
                  - backend: b
                    model: "mb"
                    priority: 2
            timeouts:
              response_header_seconds: 1
              stream_idle_seconds: 1
            logging:
              level: error
            """;

    final Closer closer = new Closer();
    final TestClock clock = new TestClock(1_700_000_000_000L);

    @AfterEach
    void closeAll() throws Exception {
        closer.close();
    }

    MockUpstream upstream(MockUpstream.Script script) throws IOException {
        return closer.upstream(script);
    }

    ProxyFixture proxy(MockUpstream a, MockUpstream b) {
        return closer.proxy(CONFIG, Map.of("A", a.url(), "B", b.url()), clock);
    }

    HttpResponse<InputStream> stream(ProxyFixture p) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(p.uri("/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"stream\":true}"))
                .build();
        return p.client().send(req, HttpResponse.BodyHandlers.ofInputStream());
    }

    @Test
    void sseEventsReachTheClientBeforeTheUpstreamFinishes() throws Exception {
        CountDownLatch clientSawFirst = new CountDownLatch(1);
        MockUpstream a = upstream((ex, req) -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.write("data: {\"n\":1}\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (!clientSawFirst.await(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the first event never reached the client");
            }
            out.write("data: {\"n\":2}\n\ndata: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        });
        ProxyFixture p = proxy(a, upstream(MockUpstream.chatOk("b")));

        HttpResponse<InputStream> r = stream(p);
        assertEquals("text/event-stream", r.headers().firstValue("content-type").orElseThrow());
        BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
        assertEquals("data: {\"n\":1}", in.readLine());
        clientSawFirst.countDown();
        StringBuilder rest = new StringBuilder();
        String line;
        while ((line = in.readLine()) != null) {
            rest.append(line).append('\n');
        }

        assertEquals("\ndata: {\"n\":2}\n\ndata: [DONE]\n\n", rest.toString());
    }

    @Test
    void upstreamBreakingMidStreamEndsWithAnSseErrorEventAndCoolsDown() throws Exception {
        CountDownLatch clientGotFirstEvent = new CountDownLatch(1);
        MockUpstream a = upstream((ex, req) -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            ex.getResponseBody().write("data: {\"n\":1}\n\n".getBytes(StandardCharsets.UTF_8));
            ex.getResponseBody().flush();
            clientGotFirstEvent.await(5, TimeUnit.SECONDS);
            throw new IllegalStateException("upstream dies mid-stream");
        });
        MockUpstream b = upstream(MockUpstream.chatOk("b"));
        ProxyFixture p = proxy(a, b);

        InputStream in = stream(p).body();
        byte[] first = in.readNBytes("data: {\"n\":1}\n\n".length());
        clientGotFirstEvent.countDown();
        String body = new String(first, StandardCharsets.UTF_8) + new String(in.readAllBytes(), StandardCharsets.UTF_8);

        assertTrue(body.startsWith("data: {\"n\":1}\n\n"), body);
        assertTrue(body.contains("data: {\"error\":{\"message\":"), body);
        assertTrue(body.endsWith("\"code\":\"stream_interrupted\"}}\n\n"), body);
        assertEquals(0, b.count(), "no fallback once bytes reached the client");
        assertTrue(p.gateway().cooldowns().until(new Candidate.Pair("a", "ma")) > 0);
    }

    @Test
    void streamIdleTimeoutBreaksAStalledStream() throws Exception {
        CountDownLatch testOver = new CountDownLatch(1);
        MockUpstream a = upstream((ex, req) -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            ex.getResponseBody().write("data: {\"n\":1}\n\n".getBytes(StandardCharsets.UTF_8));
            ex.getResponseBody().flush();
            testOver.await(10, TimeUnit.SECONDS); // stalls, well past stream_idle_seconds
        });
        ProxyFixture p = proxy(a, upstream(MockUpstream.chatOk("b")));

        long t0 = System.nanoTime();
        String body = new String(stream(p).body().readAllBytes(), StandardCharsets.UTF_8);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        testOver.countDown();

        assertTrue(body.contains("no data from upstream for 1s"), body);
        assertTrue(ms < 3_500, "took " + ms + "ms");
    }

    @Test
    void responseHeaderTimeoutFallsBackToTheNextBackend() throws Exception {
        MockUpstream a = upstream(MockUpstream.delayed(3_000, MockUpstream.chatOk("slow")));
        MockUpstream b = upstream(MockUpstream.chatOk("fast"));
        ProxyFixture p = proxy(a, b);

        long t0 = System.nanoTime();
        HttpResponse<String> r = p.post("/v1/chat/completions", "{\"model\":\"m\"}");
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("fast"));
        assertTrue(ms < 2_500, "took " + ms + "ms");
    }

    @Test
    void clientDisconnectCancelsTheUpstreamWithinASecond() throws Exception {
        CountDownLatch upstreamSawClose = new CountDownLatch(1);
        MockUpstream a = upstream((ex, req) -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            try {
                for (int i = 0; i < 200; i++) {
                    out.write(("data: {\"n\":" + i + "}\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    Thread.sleep(50);
                }
            } catch (IOException closed) {
                upstreamSawClose.countDown();
            }
        });
        ProxyFixture p = proxy(a, upstream(MockUpstream.chatOk("b")));

        HttpResponse<InputStream> r = stream(p);
        BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
        assertEquals("data: {\"n\":0}", in.readLine());
        r.body().close();
        long t0 = System.nanoTime();

        assertTrue(upstreamSawClose.await(3, TimeUnit.SECONDS), "upstream kept streaming to nobody");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 1_500, "took " + ms + "ms");
    }
}
