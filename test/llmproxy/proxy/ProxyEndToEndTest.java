package llmproxy.proxy;

import llmproxy.testkit.Closer;
import llmproxy.testkit.MockUpstream;
import llmproxy.testkit.ProxyFixture;
import llmproxy.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The proxy end to end: real gateway, real loopback mock upstreams, real HTTP. */
class ProxyEndToEndTest {
    static final String PROXY_KEY = "sk-proxy-client-key-0123456789";
    static final String KEY_A = "sk-backend-a-secret-aaaaaaaaaa";
    static final String KEY_B = "sk-backend-b-secret-bbbbbbbbbb";

    static final String TWO_BACKENDS = """
            listen: "127.0.0.1:0"
            proxy_api_key: "%s"
            backends:
              - name: a
                url: "${A}/v1"
                api_key: "%s"
              - name: b
                url: "${B}"
                api_key: "%s"
            models:
              "gpt":
                routes:
                  - backend: a
                    model: "upstream-a"
                    priority: 1
                  - backend: b
                    model: "upstream-b"
                    priority: 2
              "off":
                enabled: false
                routes:
                  - backend: a
                    model: "x"
              "empty":
                routes:
                  - backend: a
                    model: "x"
                    enabled: false
            fallback:
              cooldown_seconds: 60
            detection:
              error_codes: ["429", "5xx"]
              error_patterns: ["insufficient_quota"]
            logging:
              level: error
            """.formatted(PROXY_KEY, KEY_A, KEY_B);

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
        return closer.proxy(TWO_BACKENDS, Map.of("A", a.url(), "B", b.url()), clock);
    }

    HttpResponse<String> chat(ProxyFixture p, String body) {
        return p.post("/v1/chat/completions", body, "Authorization", "Bearer " + PROXY_KEY);
    }

    @Test
    void forwardsBodyWithOnlyTheModelReplacedAndInjectsTheBackendKey() throws Exception {
        MockUpstream a = upstream(MockUpstream.chatOk("from-a"));
        MockUpstream b = upstream(MockUpstream.chatOk("from-b"));
        ProxyFixture p = proxy(a, b);
        String body = "{ \"messages\" : [{\"role\":\"user\",\"content\":\"h\\u00e9llo \\\"q\\\"\"}],\n"
                + "  \"model\":\"gpt\", \"temperature\": 0.70000000000000001, \"n\":1}";

        HttpResponse<String> r = p.post("/v1/chat/completions?trace=1", body,
                "Authorization", "Bearer " + PROXY_KEY, "OpenAI-Organization", "org-1");

        assertEquals(200, r.statusCode());
        assertEquals("{\"id\":\"from-a\",\"object\":\"chat.completion\",\"choices\":[]}", r.body());
        assertEquals("application/json", r.headers().firstValue("content-type").orElseThrow());
        assertNotNull(r.headers().firstValue("x-request-id").orElse(null));
        MockUpstream.Recorded seen = a.last();
        assertEquals(body.replace("\"model\":\"gpt\"", "\"model\":\"upstream-a\""), seen.bodyText());
        assertEquals("/v1/chat/completions", seen.path());
        assertEquals("trace=1", seen.query());
        assertEquals("Bearer " + KEY_A, seen.header("Authorization"));
        assertNull(seen.header("x-api-key"));
        assertEquals("org-1", seen.header("OpenAI-Organization"));
        assertEquals(r.headers().firstValue("x-request-id").orElseThrow(), seen.header("X-Request-ID"));
        assertFalse(seen.headers().toString().contains(PROXY_KEY), "proxy key reached the backend");
        assertNull(seen.header("Upgrade"), "plaintext HTTP/2 upgrade attempted");
        assertNull(seen.header("HTTP2-Settings"));
        assertEquals(0, b.count());
    }

    @Test
    void anthropicStyleClientKeyIsAnsweredWithXApiKeyUpstream() throws Exception {
        MockUpstream a = upstream(MockUpstream.json(200, "{\"type\":\"message\"}"));
        MockUpstream b = upstream(MockUpstream.chatOk("b"));
        ProxyFixture p = proxy(a, b);

        HttpResponse<String> r = p.post("/v1/messages", "{\"model\":\"gpt\",\"max_tokens\":5}",
                "x-api-key", PROXY_KEY, "anthropic-version", "2023-06-01");

        assertEquals(200, r.statusCode());
        assertEquals(KEY_A, a.last().header("x-api-key"));
        assertNull(a.last().header("Authorization"));
        assertEquals("2023-06-01", a.last().header("anthropic-version"));
        assertEquals("/v1/messages", a.last().path());
    }

    @Test
    void upstreamRequestIdNeverReplacesTheProxysOwn() throws Exception {
        MockUpstream a = upstream(MockUpstream.respond(200, "application/json", "{}",
                Map.of("X-Request-ID", "req_upstream_1")));
        ProxyFixture p = proxy(a, upstream(MockUpstream.chatOk("b")));

        HttpResponse<String> r = p.post("/v1/chat/completions", "{\"model\":\"gpt\"}",
                "Authorization", "Bearer " + PROXY_KEY, "X-Request-ID", "mine-1");

        assertEquals("mine-1", r.headers().firstValue("x-request-id").orElseThrow());
        assertEquals("req_upstream_1", r.headers().firstValue("x-upstream-request-id").orElseThrow());
    }

    @Test
    void clientRequestIdIsKeptWhenSane() throws Exception {
        MockUpstream a = upstream(MockUpstream.chatOk("a"));
        ProxyFixture p = proxy(a, upstream(MockUpstream.chatOk("b")));

        HttpResponse<String> r = p.post("/v1/chat/completions", "{\"model\":\"gpt\"}",
                "Authorization", "Bearer " + PROXY_KEY, "X-Request-ID", "client-id-42");
        HttpResponse<String> bad = p.post("/v1/chat/completions", "{\"model\":\"gpt\"}",
                "Authorization", "Bearer " + PROXY_KEY, "X-Request-ID", "bad id with spaces");

        assertEquals("client-id-42", r.headers().firstValue("x-request-id").orElseThrow());
        assertEquals("client-id-42", a.requests().get(0).header("X-Request-ID"));
        assertTrue(bad.headers().firstValue("x-request-id").orElseThrow().matches("[0-9a-f]{16}"));
    }

    @Test
    void serverErrorFallsBackToNextPriorityAndCoolsTheFailedBackendDown() throws Exception {
        MockUpstream a = upstream(MockUpstream.json(500, "{\"error\":\"boom\"}"));
        MockUpstream b = upstream(MockUpstream.chatOk("from-b"));
        ProxyFixture p = proxy(a, b);

        assertEquals(200, chat(p, "{\"model\":\"gpt\"}").statusCode());
        assertEquals(1, a.count());
        assertEquals("{\"model\":\"upstream-b\"}", b.last().bodyText());

        // a cools down: the next request goes straight to b.
        assertEquals(200, chat(p, "{\"model\":\"gpt\"}").statusCode());
        assertEquals(1, a.count());
        assertEquals(2, b.count());

        // After the cooldown a is tried first again, and serves once it recovers.
        a.script(MockUpstream.chatOk("from-a"));
        clock.advance(Duration.ofSeconds(61));
        HttpResponse<String> r = chat(p, "{\"model\":\"gpt\"}");
        assertTrue(r.body().contains("from-a"), r.body());
        assertEquals(2, a.count());
    }

    @Test
    void cooledDownBackendIsStillTriedWhenNothingElseIsLeft() throws Exception {
        MockUpstream a = upstream(MockUpstream.json(503, "{}"));
        MockUpstream b = upstream(MockUpstream.json(503, "{}"));
        ProxyFixture p = proxy(a, b);

        assertEquals(503, chat(p, "{\"model\":\"gpt\"}").statusCode());
        a.script(MockUpstream.chatOk("a-back"));
        HttpResponse<String> r = chat(p, "{\"model\":\"gpt\"}");

        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("a-back"));
    }

    @Test
    void requestErrorsFallBackWithoutCoolingDown() throws Exception {
        MockUpstream a = upstream(MockUpstream.json(400, "{\"error\":\"bad\"}"));
        MockUpstream b = upstream(MockUpstream.json(400, "{\"error\":\"bad too\"}"));
        String yaml = TWO_BACKENDS.replace("error_codes: [\"429\", \"5xx\"]", "error_codes: [\"4xx\", \"5xx\"]");
        ProxyFixture p = closer.proxy(yaml, Map.of("A", a.url(), "B", b.url()), clock);

        HttpResponse<String> r = chat(p, "{\"model\":\"gpt\"}");
        assertEquals(400, r.statusCode());
        assertEquals("{\"error\":\"bad too\"}", r.body());
        chat(p, "{\"model\":\"gpt\"}");

        assertEquals(2, a.count(), "a was cooled down by a client error");
        assertEquals(2, b.count());
        assertEquals(0, p.gateway().cooldowns().until(new llmproxy.routing.Candidate.Pair("a", "upstream-a")));
    }

    @Test
    void statusOutsideErrorCodesIsReturnedAtOnce() throws Exception {
        MockUpstream a = upstream(MockUpstream.respond(401, "application/json", "{\"error\":\"bad key\"}",
                Map.of("x-ratelimit-remaining-requests", "7", "Set-Cookie", "secret=1")));
        MockUpstream b = upstream(MockUpstream.chatOk("b"));
        ProxyFixture p = proxy(a, b);

        HttpResponse<String> r = chat(p, "{\"model\":\"gpt\"}");

        assertEquals(401, r.statusCode());
        assertEquals("{\"error\":\"bad key\"}", r.body());
        assertEquals("7", r.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow());
        assertTrue(r.headers().firstValue("set-cookie").isEmpty());
        assertEquals(0, b.count());
    }

    @Test
    void errorPatternInGzippedBodyTriggersFallback() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write("{\"error\":{\"code\":\"INSUFFICIENT_QUOTA\"}}".getBytes(StandardCharsets.UTF_8));
        }
        byte[] compressed = gz.toByteArray();
        MockUpstream a = upstream((ex, req) -> {
            ex.getResponseHeaders().set("Content-Encoding", "gzip");
            ex.sendResponseHeaders(402, compressed.length);
            ex.getResponseBody().write(compressed);
        });
        MockUpstream b = upstream(MockUpstream.chatOk("from-b"));
        ProxyFixture p = proxy(a, b);

        HttpResponse<String> r = chat(p, "{\"model\":\"gpt\"}");

        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("from-b"));
        assertTrue(p.gateway().cooldowns().until(new llmproxy.routing.Candidate.Pair("a", "upstream-a")) > 0);
    }

    @Test
    void retryAfterSetsTheCooldown() throws Exception {
        MockUpstream a = upstream(MockUpstream.respond(429, "application/json", "{}", Map.of("Retry-After", "7")));
        MockUpstream b = upstream(MockUpstream.chatOk("b"));
        ProxyFixture p = proxy(a, b);

        chat(p, "{\"model\":\"gpt\"}");

        assertEquals(clock.millis() + 7_000,
                p.gateway().cooldowns().until(new llmproxy.routing.Candidate.Pair("a", "upstream-a")));
    }

    @Test
    void everyAttemptFailingWithoutAnswerGives502ListingAttemptsWithoutKeys() throws Exception {
        MockUpstream a = upstream(MockUpstream.drop());
        MockUpstream b = upstream(MockUpstream.chatOk("b"));
        int deadPort = b.port();
        b.close();
        ProxyFixture p = closer.proxy(TWO_BACKENDS, Map.of("A", a.url(), "B", "http://127.0.0.1:" + deadPort), clock);

        HttpResponse<String> r = chat(p, "{\"model\":\"gpt\"}");

        assertEquals(502, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("content-type").orElseThrow());
        assertTrue(r.body().startsWith("{\"error\":{\"message\":\"all backends failed: a/upstream-a: "), r.body());
        assertTrue(r.body().contains("b/upstream-b: connection refused"), r.body());
        assertFalse(r.body().contains(KEY_A) || r.body().contains(KEY_B) || r.body().contains(PROXY_KEY));
    }

    @Test
    void lastHttpErrorIsRelayedWhenEveryAttemptFails() throws Exception {
        MockUpstream a = upstream(MockUpstream.json(500, "{\"e\":\"a\"}"));
        MockUpstream b = upstream(MockUpstream.respond(503, "application/json", "{\"e\":\"b\"}",
                Map.of("Retry-After", "3")));
        ProxyFixture p = proxy(a, b);

        HttpResponse<String> r = chat(p, "{\"model\":\"gpt\"}");

        assertEquals(503, r.statusCode());
        assertEquals("{\"e\":\"b\"}", r.body());
        assertEquals("3", r.headers().firstValue("retry-after").orElseThrow());
    }

    @Test
    void proxyOwnErrorsUseOpenAiEnvelopeAndAnthropicEnvelopeOnMessages() throws Exception {
        ProxyFixture p = proxy(upstream(MockUpstream.chatOk("a")), upstream(MockUpstream.chatOk("b")));
        String auth = "Bearer " + PROXY_KEY;

        HttpResponse<String> unknown = p.post("/v1/chat/completions", "{\"model\":\"nope\"}", "Authorization", auth);
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().contains("\"code\":\"model_not_found\""), unknown.body());
        assertEquals(404, p.post("/v1/chat/completions", "{\"model\":\"off\"}", "Authorization", auth).statusCode());
        HttpResponse<String> empty = p.post("/v1/chat/completions", "{\"model\":\"empty\"}", "Authorization", auth);
        assertEquals(503, empty.statusCode());
        assertTrue(empty.body().contains("\"code\":\"no_available_backend\""));
        HttpResponse<String> missing = p.post("/v1/chat/completions", "{\"messages\":[]}", "Authorization", auth);
        assertEquals(400, missing.statusCode());
        assertTrue(missing.body().contains("\"code\":\"missing_model\""));
        HttpResponse<String> invalid = p.post("/v1/chat/completions", "[1,2]", "Authorization", auth);
        assertEquals(400, invalid.statusCode());
        assertTrue(invalid.body().contains("\"code\":\"invalid_json\""));
        HttpResponse<String> noKey = p.post("/v1/chat/completions", "{\"model\":\"gpt\"}");
        assertEquals(401, noKey.statusCode());
        assertEquals("{\"error\":{\"message\":\"missing or invalid API key\",\"type\":\"authentication_error\","
                + "\"code\":\"invalid_api_key\"}}", noKey.body());
        HttpResponse<String> anthropic = p.post("/v1/messages", "{\"model\":\"nope\"}", "x-api-key", PROXY_KEY);
        assertEquals(404, anthropic.statusCode());
        assertTrue(anthropic.body().startsWith("{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\""),
                anthropic.body());
        assertEquals(401, p.post("/v1/messages", "{}", "x-api-key", "wrong").statusCode());
        assertTrue(p.post("/v1/messages", "{}", "x-api-key", "wrong").body().startsWith("{\"type\":\"error\""));
    }

    @Test
    void bearerSchemeIsCaseInsensitive() throws Exception {
        ProxyFixture p = proxy(upstream(MockUpstream.chatOk("a")), upstream(MockUpstream.chatOk("b")));

        assertEquals(200, p.post("/v1/chat/completions", "{\"model\":\"gpt\"}",
                "Authorization", "bearer " + PROXY_KEY).statusCode());
        assertEquals(401, p.post("/v1/chat/completions", "{\"model\":\"gpt\"}",
                "Authorization", "Bearer " + PROXY_KEY + "x").statusCode());
    }

    @Test
    void modelListShowsEnabledAliasesInConfigOrderWithStableCreated() throws Exception {
        ProxyFixture p = proxy(upstream(MockUpstream.chatOk("a")), upstream(MockUpstream.chatOk("b")));

        HttpResponse<String> r = p.get("/v1/models", "Authorization", "Bearer " + PROXY_KEY);
        HttpResponse<String> again = p.get("/models", "Authorization", "Bearer " + PROXY_KEY);

        long created = clock.millis() / 1000;
        assertEquals(200, r.statusCode());
        assertEquals("{\"object\":\"list\",\"data\":[{\"id\":\"gpt\",\"object\":\"model\",\"created\":" + created
                + ",\"owned_by\":\"llm-proxy\"},{\"id\":\"empty\",\"object\":\"model\",\"created\":" + created
                + ",\"owned_by\":\"llm-proxy\"}]}", r.body());
        assertEquals(r.body(), again.body());
        assertEquals(401, p.get("/v1/models").statusCode());
        assertEquals(200, p.get("/health").statusCode());
        assertEquals(200, p.get("/healthz").statusCode());
    }
}
