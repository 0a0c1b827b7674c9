package llmproxy.proxy;

import llmproxy.testkit.Closer;
import llmproxy.testkit.MockUpstream;
import llmproxy.testkit.ProxyFixture;
import llmproxy.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 15: fall back until content flows, first-token deadlines, same-route retries, request problems. */
class StreamResilienceTest {
    static final String KEY = "sk-proxy-client-key-0123456789";

    static final String CONFIG = """
            listen: "127.0.0.1:0"
            proxy_api_key: "%s"
            backends:
              - name: a
                url: "${A}"
                api_key: "sk-backend-a-secret-aaaaaaaaaa"
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
            fallback:
              cooldown_seconds: 60
              retry_same: ${RETRY:-0}
              retry_backoff_ms: 1
            timeouts:
              first_token_seconds: ${FIRST:-0}
              request_seconds: ${DEADLINE:-0}
              stream_idle_seconds: 5
            detection:
              error_codes: ["429", "5xx"]
            logging:
              level: error
            """.formatted(KEY);

    static final String ROLE_ONLY = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n";
    static final String HELLO = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"content\":\"Hello\"},\"finish_reason\":null}]}\n\n";

    final Closer closer = new Closer();
    final TestClock clock = new TestClock(1_700_000_000_000L);

    @AfterEach
    void closeAll() throws Exception {
        closer.close();
    }

    ProxyFixture proxy(MockUpstream a, MockUpstream b, Map<String, String> env) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("A", a.url());
        all.put("B", b.url());
        return closer.proxy(CONFIG, all, clock);
    }

    HttpResponse<String> stream(ProxyFixture p) {
        return p.post("/v1/chat/completions", "{\"model\":\"gpt\",\"stream\":true}", "Authorization", "Bearer " + KEY);
    }

    static MockUpstream.Script sseThenDie(String... events) {
        return (ex, req) -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            for (String e : events) {
                out.write(e.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            throw new IllegalStateException("dies before any content");
        };
    }

    static MockUpstream.Script sseOk(String tag) {
        return MockUpstream.respond(200, "text/event-stream", HELLO.replace("Hello", tag) + "data: [DONE]\n\n",
                Map.of());
    }

    @Test
    void upstreamThatBreaksAfterLifecycleEventsOnly_fallsBack_andTheClientSeesOneCleanStream() throws Exception {
        MockUpstream a = closer.upstream(sseThenDie(ROLE_ONLY, ": keep-alive\n\n"));
        MockUpstream b = closer.upstream(sseOk("from-b"));
        ProxyFixture p = proxy(a, b, Map.of());

        HttpResponse<String> r = stream(p);

        assertEquals(200, r.statusCode());
        assertFalse(r.body().contains("\"role\""), "a's held-back events leaked: " + r.body());
        assertTrue(r.body().contains("from-b") && r.body().endsWith("data: [DONE]\n\n"), r.body());
        assertEquals("b", r.headers().firstValue("x-llm-proxy-backend").orElseThrow());
        assertEquals("upstream-b", r.headers().firstValue("x-llm-proxy-model").orElseThrow());
        assertEquals("2", r.headers().firstValue("x-llm-proxy-attempts").orElseThrow());
    }

    @Test
    void lifecycleEventsPastTheHoldCap_areCommitted_soABreakAfterThemDoesNotFallBack() throws Exception {
        MockUpstream a = closer.upstream(sseThenDie(ROLE_ONLY.repeat(StreamGate.HOLD_CAP / ROLE_ONLY.length() + 1)));
        MockUpstream b = closer.upstream(sseOk("from-b"));
        ProxyFixture p = proxy(a, b, Map.of());

        HttpResponse<String> r = stream(p);

        assertTrue(r.body().startsWith(ROLE_ONLY), "the held events went out once past the cap");
        assertFalse(r.body().contains("from-b"), r.body());
        assertEquals(0, b.count());
    }

    @Test
    void inBandOverloadedErrorBeforeContent_fallsBackLikeAnHttpError() throws Exception {
        MockUpstream a = closer.upstream(MockUpstream.respond(200, "text/event-stream",
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{}}\n\n"
                        + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                        + "\"message\":\"Overloaded\"}}\n\n", Map.of()));
        MockUpstream b = closer.upstream(sseOk("from-b"));
        ProxyFixture p = proxy(a, b, Map.of());

        HttpResponse<String> r = stream(p);

        assertTrue(r.body().contains("from-b"), r.body());
        assertFalse(r.body().contains("overloaded_error"), r.body());
        assertTrue(p.gateway().cooldowns().until(new llmproxy.routing.Candidate.Pair("a", "upstream-a")) > 0,
                "an overloaded backend cools down");
    }

    @Test
    void firstTokenDeadline_failsASlowUpstream_andFallsBack() throws Exception {
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        closer.add((AutoCloseable) never::countDown);
        MockUpstream a = closer.upstream((ex, req) -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            ex.getResponseBody().write(ROLE_ONLY.getBytes(StandardCharsets.UTF_8));
            ex.getResponseBody().flush();
            never.await(); // first content never comes (until the test ends)
        });
        MockUpstream b = closer.upstream(sseOk("from-b"));
        ProxyFixture p = proxy(a, b, Map.of("FIRST", "1"));

        long t0 = System.nanoTime();
        HttpResponse<String> r = stream(p);

        assertTrue(r.body().contains("from-b"), r.body());
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 4_000, "waited past the first-token deadline");
    }

    @Test
    void serverErrorOnce_isRetriedOnTheSameRoute_whenRetrySameAllowsIt() throws Exception {
        MockUpstream a = closer.upstream(MockUpstream.sequence(MockUpstream.json(500, "{\"error\":\"once\"}"),
                MockUpstream.chatOk("a-second-try")));
        MockUpstream b = closer.upstream(MockUpstream.chatOk("b"));
        ProxyFixture p = proxy(a, b, Map.of("RETRY", "1"));

        HttpResponse<String> r = p.post("/v1/chat/completions", "{\"model\":\"gpt\"}", "Authorization", "Bearer " + KEY);

        assertTrue(r.body().contains("a-second-try"), r.body());
        assertEquals(0, b.count());
        assertEquals("2", r.headers().firstValue("x-llm-proxy-attempts").orElseThrow());
    }

    @Test
    void longRetryAfter_isNotWaitedOut_theRouteCoolsAndTheNextServes() throws Exception {
        MockUpstream a = closer.upstream(MockUpstream.respond(429, "application/json", "{}",
                Map.of("Retry-After", "30")));
        MockUpstream b = closer.upstream(MockUpstream.chatOk("b"));
        ProxyFixture p = proxy(a, b, Map.of("RETRY", "3"));

        HttpResponse<String> r = p.post("/v1/chat/completions", "{\"model\":\"gpt\"}", "Authorization", "Bearer " + KEY);

        assertTrue(r.body().contains("\"b\""), r.body());
        assertEquals(1, a.count(), "a 30 s Retry-After was retried on the same route");
    }

    @Test
    void contextLengthExceeded_fallsBackWithoutCoolingDown_contentPolicyGoesStraightToTheClient()
            throws IOException {
        MockUpstream a = closer.upstream(MockUpstream.sequence(
                MockUpstream.json(400, "{\"error\":{\"code\":\"context_length_exceeded\"}}"),
                MockUpstream.json(400, "{\"error\":{\"code\":\"content_policy_violation\",\"message\":\"no\"}}")));
        MockUpstream b = closer.upstream(MockUpstream.chatOk("b"));
        ProxyFixture p = proxy(a, b, Map.of("RETRY", "2"));
        String[] auth = {"Authorization", "Bearer " + KEY};

        HttpResponse<String> first = p.post("/v1/chat/completions", "{\"model\":\"gpt\"}", auth);
        HttpResponse<String> second = p.post("/v1/chat/completions", "{\"model\":\"gpt\"}", auth);

        assertTrue(first.body().contains("\"b\""), first.body());
        assertEquals(400, second.statusCode(), "content policy was not returned to the client");
        assertTrue(second.body().contains("content_policy_violation"), second.body());
        assertEquals(2, a.count(), "a request problem was retried or cooled the backend down");
        assertEquals(1, b.count());
    }

    @Test
    void flappingPrimary_isProbedWhenItsCooldownEnds_restoredOnSuccess_andCooledLongerEachTimeItFailsAgain()
            throws Exception {
        java.util.concurrent.atomic.AtomicBoolean healthy = new java.util.concurrent.atomic.AtomicBoolean(false);
        MockUpstream a = closer.upstream((ex, req) -> (healthy.get() ? MockUpstream.chatOk("a")
                : MockUpstream.json(500, "{}")).respond(ex, req));
        MockUpstream b = closer.upstream(MockUpstream.chatOk("b"));
        ProxyFixture p = proxy(a, b, Map.of());
        llmproxy.routing.Candidate.Pair pairA = new llmproxy.routing.Candidate.Pair("a", "upstream-a");
        String[] auth = {"Authorization", "Bearer " + KEY};

        p.post("/v1/chat/completions", "{\"model\":\"gpt\"}", auth);
        assertEquals(clock.millis() + 60_000, p.gateway().cooldowns().until(pairA), "first failure: the base cooldown");
        clock.advance(java.time.Duration.ofSeconds(61));
        p.post("/v1/chat/completions", "{\"model\":\"gpt\"}", auth); // the probe fails: one attempt, then b
        assertEquals(2, a.count());
        assertEquals(clock.millis() + 120_000, p.gateway().cooldowns().until(pairA), "a failed probe: twice as long");

        clock.advance(java.time.Duration.ofSeconds(121));
        healthy.set(true);
        HttpResponse<String> probe = p.post("/v1/chat/completions", "{\"model\":\"gpt\"}", auth);
        assertTrue(probe.body().contains("\"a\""), "the probe that succeeds is served by the primary");
        healthy.set(false);
        p.post("/v1/chat/completions", "{\"model\":\"gpt\"}", auth);
        assertEquals(clock.millis() + 60_000, p.gateway().cooldowns().until(pairA), "after a success: the base again");
    }

    @Test
    void probeOfAPrimaryWhoseCooldownEnded_costsOneAttempt_evenWithRetrySame() throws Exception {
        MockUpstream a = closer.upstream(MockUpstream.json(500, "{}"));
        MockUpstream b = closer.upstream(MockUpstream.chatOk("b"));
        ProxyFixture p = proxy(a, b, Map.of("RETRY", "2"));
        llmproxy.routing.Candidate.Pair pairA = new llmproxy.routing.Candidate.Pair("a", "upstream-a");
        String[] auth = {"Authorization", "Bearer " + KEY};

        p.post("/v1/chat/completions", "{\"model\":\"gpt\"}", auth);
        assertEquals(3, a.count(), "a healthy route gets its same-route retries");
        clock.advance(java.time.Duration.ofSeconds(61));
        HttpResponse<String> r = p.post("/v1/chat/completions", "{\"model\":\"gpt\"}", auth);

        assertTrue(r.body().contains("\"b\""), r.body());
        assertEquals(4, a.count(), "the probe was retried on the same route");
        assertEquals("2", r.headers().firstValue("x-llm-proxy-attempts").orElseThrow());
        assertEquals(clock.millis() + 120_000, p.gateway().cooldowns().until(pairA), "a failed probe: twice as long");
    }

    @Test
    void requestDeadlinePassingBetweenSameRouteRetries_relaysTheUpstreamsLastError_notA504() throws Exception {
        MockUpstream a = closer.upstream(MockUpstream.json(500, "{\"error\":\"busy-a\"}"));
        MockUpstream b = closer.upstream(MockUpstream.json(500, "{\"error\":\"busy-b\"}"));
        ProxyFixture p = proxy(a, b, Map.of("RETRY", "1000", "DEADLINE", "1"));

        HttpResponse<String> r = p.post("/v1/chat/completions", "{\"model\":\"gpt\"}", "Authorization", "Bearer " + KEY);

        assertEquals(500, r.statusCode(), r.body());
        assertTrue(r.body().contains("busy-a"), r.body());
        assertTrue(a.count() < 1000, "attempts went on past the deadline");
        assertEquals(0, b.count(), "the next candidate was tried after the deadline");
    }

    @Test
    void upstreamThat200sThenBreaksBeforeAnyByte_fallsBack() throws Exception {
        MockUpstream a = closer.upstream((ex, req) -> {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, 100);
            throw new IllegalStateException("no body after all");
        });
        MockUpstream b = closer.upstream(MockUpstream.chatOk("b"));
        ProxyFixture p = proxy(a, b, Map.of());

        HttpResponse<String> r = p.post("/v1/chat/completions", "{\"model\":\"gpt\"}", "Authorization", "Bearer " + KEY);

        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("\"b\""), r.body());
    }
}
