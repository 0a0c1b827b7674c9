package llmproxy.proxy;

import llmproxy.testkit.Closer;
import llmproxy.testkit.MockUpstream;
import llmproxy.testkit.ProxyFixture;
import llmproxy.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 10 on the request path: no client harms the others, no secret goes back out or on upstream. */
class FailClosedEndToEndTest {
    static final String PROXY_KEY = "sk-proxy-client-key-0123456789";

    static final String CONFIG = """
            listen: "127.0.0.1:0"
            proxy_api_key: "%s"
            server:
              write_timeout_seconds: 1
            backends:
              - name: a
                url: "${A}"
                api_key: "${KEY_A:-sk-backend-a-secret-aaaaaaaaaa}"
              - name: b
                url: "${B}"
                api_key: "sk-backend-b-secret-bbbbbbbbbb"
            models:
              "gpt":
                routes:
                  - backend: a
                    model: "upstream-a"
                    priority: 1
                  - backend: b
                    model: "upstream-b"
                    priority: 2
              "solo":
                routes:
                  - backend: a
                    model: "upstream-a"
            fallback:
              cooldown_seconds: 60
            detection:
              error_codes: ["429", "5xx"]
              error_patterns: ["insufficient_quota"]
            logging:
              level: error
            """.formatted(PROXY_KEY);

    final Closer closer = new Closer();
    final TestClock clock = new TestClock(1_700_000_000_000L);

    @AfterEach
    void closeAll() throws Exception {
        closer.close();
    }

    ProxyFixture proxy(MockUpstream a, MockUpstream b, Map<String, String> extraEnv) {
        Map<String, String> env = new java.util.HashMap<>(extraEnv);
        env.put("A", a.url());
        env.put("B", b.url());
        return closer.proxy(CONFIG, env, clock);
    }

    @Test
    void proxyKeySentInOtherHeadersOrTheQuery_neverReachesTheBackend() throws Exception {
        MockUpstream a = closer.upstream(MockUpstream.chatOk("a"));
        ProxyFixture p = proxy(a, closer.upstream(MockUpstream.chatOk("b")), Map.of());

        HttpResponse<String> r = p.post("/v1/chat/completions?api_key=" + PROXY_KEY + "&trace=1",
                "{\"model\":\"gpt\"}", "Authorization", "Bearer " + PROXY_KEY, "X-Goog-Api-Key", PROXY_KEY,
                "Anthropic-Api-Key", PROXY_KEY, "Cookie", "s=1; k=" + PROXY_KEY);

        assertEquals(200, r.statusCode());
        MockUpstream.Recorded seen = a.last();
        assertFalse(seen.headers().toString().contains(PROXY_KEY), seen.headers().toString());
        assertEquals("trace=1", seen.query());
    }

    @Test
    void errorPatternEchoedFromTheRequest_fallsBackButCoolsNothingDown() throws Exception {
        MockUpstream a = closer.upstream(MockUpstream.json(400,
                "{\"error\":{\"message\":\"Unrecognized request argument supplied: insufficient_quota\"}}"));
        MockUpstream b = closer.upstream(MockUpstream.chatOk("b"));
        ProxyFixture p = proxy(a, b, Map.of());
        String body = "{\"model\":\"gpt\",\"insufficient_quota\":1}";

        assertEquals(200, p.post("/v1/chat/completions", body, "Authorization", "Bearer " + PROXY_KEY).statusCode());
        assertEquals(200, p.post("/v1/chat/completions", body, "Authorization", "Bearer " + PROXY_KEY).statusCode());

        assertEquals(2, a.count(), "a was cooled down by text the client chose");
        assertEquals(0, p.gateway().cooldowns().until(new llmproxy.routing.Candidate.Pair("a", "upstream-a")));
    }

    @Test
    void errorPatternTheClientWroteWithJsonEscapes_andTheUpstreamEchoedDecoded_coolsNothingDown() throws Exception {
        MockUpstream a = closer.upstream(MockUpstream.json(400,
                "{\"error\":{\"message\":\"Unrecognized request argument supplied: insufficient_quota\"}}"));
        MockUpstream b = closer.upstream(MockUpstream.chatOk("b"));
        ProxyFixture p = proxy(a, b, Map.of());
        String body = "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"insufficient\\u005Fquota\"}]}";

        assertEquals(200, p.post("/v1/chat/completions", body, "Authorization", "Bearer " + PROXY_KEY).statusCode());
        assertEquals(200, p.post("/v1/chat/completions", body, "Authorization", "Bearer " + PROXY_KEY).statusCode());

        assertEquals(2, a.count(), "a was cooled down by text the client chose");
        assertEquals(0, p.gateway().cooldowns().until(new llmproxy.routing.Candidate.Pair("a", "upstream-a")));
    }

    @Test
    void errorPatternInTheUpstreamsOwnWords_stillCoolsDown() throws Exception {
        MockUpstream a = closer.upstream(MockUpstream.json(400,
                "{\"error\":{\"code\":\"insufficient_quota\",\"message\":\"You exceeded your quota\"}}"));
        MockUpstream b = closer.upstream(MockUpstream.chatOk("b"));
        ProxyFixture p = proxy(a, b, Map.of());

        p.post("/v1/chat/completions", "{\"model\":\"gpt\"}", "Authorization", "Bearer " + PROXY_KEY);
        p.post("/v1/chat/completions", "{\"model\":\"gpt\"}", "Authorization", "Bearer " + PROXY_KEY);

        assertEquals(1, a.count());
    }

    @Test
    void errorBodyOverTheCap_isReplacedByTheProxysOwnError_neverRelayedCut() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            byte[] noise = new byte[3 << 20];
            new java.util.Random(1).nextBytes(noise); // incompressible: the compressed body is over the cap too
            z.write(noise);
        }
        byte[] big = gz.toByteArray();
        MockUpstream a = closer.upstream((ex, req) -> {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.getResponseHeaders().set("Content-Encoding", "gzip");
            ex.sendResponseHeaders(500, big.length);
            ex.getResponseBody().write(big);
        });
        ProxyFixture p = proxy(a, closer.upstream(MockUpstream.chatOk("b")), Map.of());

        HttpResponse<String> r = p.post("/v1/chat/completions", "{\"model\":\"solo\"}",
                "Authorization", "Bearer " + PROXY_KEY);

        assertEquals(500, r.statusCode());
        assertTrue(r.headers().firstValue("content-encoding").isEmpty(), r.headers().toString());
        assertTrue(r.body().contains("\"code\":\"upstream_error_unreadable\""), r.body());
    }

    @Test
    void backendKeyEchoedInAnErrorBodyOrHeader_reachesTheClientMasked_evenWhenGzipped() throws Exception {
        String key = "sk-backend-a-secret-aaaaaaaaaa";
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(("{\"error\":{\"message\":\"Incorrect API key provided: " + key + "\"}}")
                    .getBytes(StandardCharsets.UTF_8));
        }
        byte[] body = gz.toByteArray();
        MockUpstream a = closer.upstream((ex, req) -> {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.getResponseHeaders().set("Content-Encoding", "gzip");
            ex.getResponseHeaders().set("X-Request-ID", "echo-" + key);
            ex.sendResponseHeaders(401, body.length);
            ex.getResponseBody().write(body);
        });
        ProxyFixture p = proxy(a, closer.upstream(MockUpstream.chatOk("b")), Map.of());

        HttpResponse<String> r = p.post("/v1/chat/completions", "{\"model\":\"solo\"}",
                "Authorization", "Bearer " + PROXY_KEY);

        assertEquals(401, r.statusCode());
        assertTrue(r.headers().firstValue("content-encoding").isEmpty(), "relayed decoded");
        assertFalse(r.body().contains(key), r.body());
        assertTrue(r.body().contains("Incorrect API key provided: sk-ba****aaaa"), r.body());
        assertFalse(r.headers().toString().contains(key), r.headers().toString());
    }

    @Test
    void attemptThatCannotBeBuilt_fallsBackInsteadOfFailingTheRequest() throws Exception {
        MockUpstream a = closer.upstream(MockUpstream.chatOk("a"));
        MockUpstream b = closer.upstream(MockUpstream.chatOk("b"));
        ProxyFixture p = proxy(a, b, Map.of("KEY_A", "sk-ключ-не-ascii-aaaa"));

        HttpResponse<String> r = p.post("/v1/chat/completions", "{\"model\":\"gpt\"}",
                "Authorization", "Bearer " + PROXY_KEY);

        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"id\":\"b\""), r.body());
        assertEquals(0, a.count());
    }

    @Test
    void anthropicClientsStreamThatBreaks_endsWithAnAnthropicErrorEvent() throws Exception {
        MockUpstream a = closer.upstream((ex, req) -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            ex.getResponseBody().write(("event: message_start\ndata: {\"type\":\"message_start\"}\n\n"
                    + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}}\n\n").getBytes(StandardCharsets.UTF_8));
            ex.getResponseBody().flush();
            throw new IllegalStateException("upstream dies mid-stream");
        });
        ProxyFixture p = proxy(a, closer.upstream(MockUpstream.chatOk("b")), Map.of());

        HttpResponse<String> r = p.post("/v1/messages", "{\"model\":\"solo\",\"stream\":true,\"max_tokens\":5}",
                "x-api-key", PROXY_KEY);

        assertEquals(200, r.statusCode());
        assertTrue(r.body().startsWith("event: message_start\n"), r.body());
        assertTrue(r.body().contains("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\""),
                r.body());
    }

    @Test
    void clientThatStopsReadingAStream_isCutAfterTheWriteTimeout_andItsUpstreamCancelled() throws Exception {
        byte[] chunk = ("data: " + "x".repeat(16 * 1024) + "\n\n").getBytes(StandardCharsets.UTF_8);
        MockUpstream a = closer.upstream((ex, req) -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) { // ends only when the proxy stops taking it
                out.write(chunk);
                out.flush();
            }
        });
        ProxyFixture p = proxy(a, closer.upstream(MockUpstream.chatOk("b")), Map.of());
        String body = "{\"model\":\"solo\",\"stream\":true}";
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress("127.0.0.1", p.port()));
            s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + PROXY_KEY + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            // Never read: the proxy's writes block once the socket buffers are full.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (a.closedEarly() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50); // polling a condition with a deadline
            }
            assertEquals(1, a.closedEarly(), "the upstream of a client that stopped reading was never cancelled");
        }
        assertEquals(200, p.get("/health").statusCode());
    }
}
