package llmproxy.proxy;

import llmproxy.testkit.Closer;
import llmproxy.testkit.MockUpstream;
import llmproxy.testkit.ProxyFixture;
import llmproxy.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 15 §7: a stream that breaks after content reached the client is continued by the next backend. */
class StreamResumeTest {
    static final String KEY = "sk-proxy-client-key-0123456789";

    static final String CONFIG = """
            listen: "127.0.0.1:0"
            proxy_api_key: "%s"
            backends:
              - name: a
                url: "${A}"
                api_key: "sk-backend-a-secret-aaaaaaaaaa"
                protocol: ${PROTO:-openai}
              - name: b
                url: "${B}"
                api_key: "sk-backend-b-secret-bbbbbbbbbb"
                protocol: ${PROTO:-openai}
            models:
              "m":
                routes:
                  - backend: a
                    model: "upstream-a"
                    priority: 1
                  - backend: b
                    model: "upstream-b"
                    priority: 2
                    #PREFILL
            fallback:
              cooldown_seconds: 60
              resume_streams: ${RESUME:-true}
            timeouts:
              stream_idle_seconds: ${IDLE:-5}
            logging:
              level: error
            """.formatted(KEY);

    final Closer closer = new Closer();
    final TestClock clock = new TestClock(1_700_000_000_000L);

    @AfterEach
    void closeAll() throws Exception {
        closer.close();
    }

    ProxyFixture proxy(MockUpstream a, MockUpstream b, Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.put("A", a.url());
        all.put("B", b.url());
        String yaml = env.containsKey("PREFILL") ? CONFIG.replace("#PREFILL", "prefill: " + env.get("PREFILL")) : CONFIG;
        return closer.proxy(yaml, all, clock);
    }

    // --- OpenAI stream shape ---

    static String oaiChunk(String id, String delta, String finish) {
        return "data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"x\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finish + "}]}\n\n";
    }

    static String oaiText(String id, String text) {
        return oaiChunk(id, "{\"content\":\"" + text + "\"}", "null");
    }

    static final String OAI_ROLE = oaiChunk("chatcmpl-a", "{\"role\":\"assistant\",\"content\":\"\"}", "null");

    /** Writes {@code events}, then drops the connection mid-stream. */
    static MockUpstream.Script cutAfter(String... events) {
        return (ex, req) -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            for (String e : events) {
                out.write(e.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            throw new IllegalStateException("cut mid-answer");
        };
    }

    static MockUpstream.Script stream(String... events) {
        return MockUpstream.respond(200, "text/event-stream", String.join("", events), Map.of());
    }

    HttpResponse<String> chat(ProxyFixture p, String extra) {
        return p.post("/v1/chat/completions", "{\"model\":\"m\",\"stream\":true" + extra
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}", "Authorization", "Bearer " + KEY);
    }

    /** The text an OpenAI client assembles from the stream, and its finish reasons. */
    static String openAiText(String body) {
        StringBuilder sb = new StringBuilder();
        Matcher m = Pattern.compile("\"content\":\"([^\"]*)\"").matcher(body);
        while (m.find()) {
            sb.append(m.group(1));
        }
        return sb.toString();
    }

    static int count(String body, String what) {
        int n = 0;
        for (int i = body.indexOf(what); i >= 0; i = body.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void openAiStreamCutAfterContent_isContinuedByTheFallback_andTheClientGetsOneAnswerWithOneEnd() throws Exception {
        MockUpstream a = closer.upstream(cutAfter(OAI_ROLE, oaiText("chatcmpl-a", "Hello, "),
                oaiText("chatcmpl-a", "wor")));
        // Asked to continue without a prefill, b repeats a little of what was said: the repeat is skipped.
        MockUpstream b = closer.upstream(stream(oaiChunk("chatcmpl-b", "{\"role\":\"assistant\"}", "null"),
                oaiText("chatcmpl-b", "wor"), oaiText("chatcmpl-b", "ld!"),
                oaiChunk("chatcmpl-b", "{}", "\"stop\""),
                "data: {\"id\":\"chatcmpl-b\",\"object\":\"chat.completion.chunk\",\"choices\":[],"
                        + "\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":2,\"total_tokens\":22}}\n\n",
                "data: [DONE]\n\n"));
        ProxyFixture p = proxy(a, b, Map.of());

        HttpResponse<String> r = chat(p, ",\"stream_options\":{\"include_usage\":true}");

        assertEquals(200, r.statusCode());
        assertEquals("Hello, world!", openAiText(r.body()), r.body());
        assertEquals(1, count(r.body(), "[DONE]"), r.body());
        assertEquals(1, count(r.body(), "\"finish_reason\":\"stop\""), r.body());
        assertFalse(r.body().contains("chatcmpl-b"), "the continuation's id leaked: " + r.body());
        assertFalse(r.body().contains("error"), r.body());
        assertTrue(r.body().contains("\"completion_tokens\":4"), "usage adds both attempts' output: " + r.body());
        String asked = b.last().bodyText();
        assertTrue(asked.contains("{\"role\":\"assistant\",\"content\":\"Hello, wor\"}"), asked);
        assertTrue(asked.contains(StreamRescue.CONTINUE), "without prefill, b is asked to continue: " + asked);
        assertTrue(asked.contains("\"model\":\"upstream-b\""), asked);
    }

    @Test
    void openAiStreamStalledPastIdleTimeout_isContinued() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        closer.add((AutoCloseable) never::countDown);
        MockUpstream a = closer.upstream((ex, req) -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            ex.getResponseBody().write((OAI_ROLE + oaiText("chatcmpl-a", "One ")).getBytes(StandardCharsets.UTF_8));
            ex.getResponseBody().flush();
            never.await();
        });
        MockUpstream b = closer.upstream(stream(oaiText("chatcmpl-b", "two."),
                oaiChunk("chatcmpl-b", "{}", "\"stop\""), "data: [DONE]\n\n"));
        ProxyFixture p = proxy(a, b, Map.of("IDLE", "1"));

        HttpResponse<String> r = chat(p, "");

        assertEquals("One two.", openAiText(r.body()), r.body());
        assertEquals(1, count(r.body(), "[DONE]"), r.body());
    }

    @Test
    void prefillRoute_isAskedWithTheTextSoFarAsAssistantPrefill() throws Exception {
        MockUpstream a = closer.upstream(cutAfter(OAI_ROLE, oaiText("chatcmpl-a", "The sky is ")));
        MockUpstream b = closer.upstream(stream(oaiText("chatcmpl-b", "blue."),
                oaiChunk("chatcmpl-b", "{}", "\"stop\""), "data: [DONE]\n\n"));
        ProxyFixture p = proxy(a, b, Map.of("PREFILL", "true"));

        HttpResponse<String> r = chat(p, "");

        assertEquals("The sky is blue.", openAiText(r.body()), r.body());
        String asked = b.last().bodyText();
        assertTrue(asked.endsWith("{\"role\":\"assistant\",\"content\":\"The sky is\"}]}"),
                "the prefill is the last message, without trailing whitespace: " + asked);
        assertFalse(asked.contains(StreamRescue.CONTINUE), asked);
    }

    @Test
    void prefillRefusedWith400_isLearned_andTheContinuationIsAskedWithoutIt() throws Exception {
        MockUpstream a = closer.upstream(cutAfter(OAI_ROLE, oaiText("chatcmpl-a", "Hello ")));
        MockUpstream b = closer.upstream(MockUpstream.sequence(
                MockUpstream.json(400, "{\"error\":{\"message\":\"assistant message prefill is not supported\"}}"),
                stream(oaiText("chatcmpl-b", "there."), oaiChunk("chatcmpl-b", "{}", "\"stop\""), "data: [DONE]\n\n")));
        ProxyFixture p = proxy(a, b, Map.of("PREFILL", "true"));

        HttpResponse<String> r = chat(p, "");

        assertEquals("Hello there.", openAiText(r.body()), r.body());
        assertEquals(2, b.count());
        assertTrue(b.last().bodyText().contains(StreamRescue.CONTINUE), b.last().bodyText());
    }

    @Test
    void fallbackRejectingBothStrategies_endsTheStreamWithTheInBandError_neverALookalikeEnd() throws Exception {
        MockUpstream a = closer.upstream(cutAfter(OAI_ROLE, oaiText("chatcmpl-a", "Hello ")));
        MockUpstream b = closer.upstream(MockUpstream.json(400,
                "{\"error\":{\"message\":\"prefill is not supported\"}}"));
        ProxyFixture p = proxy(a, b, Map.of("PREFILL", "true"));

        HttpResponse<String> r = chat(p, "");

        assertEquals("Hello ", openAiText(r.body()), r.body());
        assertTrue(r.body().contains("\"code\":\"stream_interrupted\""), r.body());
        assertFalse(r.body().contains("[DONE]") || r.body().contains("finish_reason\":\"stop"), r.body());
        assertEquals(2, b.count(), "both strategies were tried");
    }

    @Test
    void openAiBreakInsideAToolCall_isNotResumed_theClientGetsTheErrorEvent() throws Exception {
        MockUpstream a = closer.upstream(cutAfter(OAI_ROLE, oaiChunk("chatcmpl-a",
                "{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":"
                        + "{\"name\":\"get_weather\",\"arguments\":\"{\\\"ci\"}}]}", "null")));
        MockUpstream b = closer.upstream(stream(oaiText("chatcmpl-b", "x"), "data: [DONE]\n\n"));
        ProxyFixture p = proxy(a, b, Map.of());

        HttpResponse<String> r = chat(p, "");

        assertTrue(r.body().contains("stream_interrupted") && r.body().contains("tool call"), r.body());
        assertEquals(0, b.count());
    }

    @Test
    void resumeOff_keepsTodaysBehaviour_bytesAsSent_thenTheErrorEvent() throws Exception {
        String sent = OAI_ROLE + oaiText("chatcmpl-a", "Hello ");
        MockUpstream a = closer.upstream(cutAfter(sent));
        MockUpstream b = closer.upstream(stream(oaiText("chatcmpl-b", "x"), "data: [DONE]\n\n"));
        ProxyFixture p = proxy(a, b, Map.of("RESUME", "false"));

        HttpResponse<String> r = chat(p, "");

        assertTrue(r.body().startsWith(sent), r.body());
        assertTrue(r.body().contains("stream_interrupted"), r.body());
        assertEquals(0, b.count());
    }

    @Test
    void malformedSingleEvent_isDropped_andTheStreamGoesOnByteExact() throws Exception {
        String before = OAI_ROLE + oaiText("chatcmpl-a", "Hel");
        String after = oaiText("chatcmpl-a", "lo") + oaiChunk("chatcmpl-a", "{}", "\"stop\"") + "data: [DONE]\n\n";
        MockUpstream a = closer.upstream(stream(before, "data: {\"id\":\"chatcmpl-a\",\"choices\":[{\"del\n\n", after));
        MockUpstream b = closer.upstream(stream(oaiText("chatcmpl-b", "x"), "data: [DONE]\n\n"));
        ProxyFixture p = proxy(a, b, Map.of());

        HttpResponse<String> r = chat(p, "");

        assertEquals(before + after, r.body());
        assertEquals(0, b.count());
    }

    @Test
    void streamThatEndsWithoutItsFinish_isACut_andIsContinued() throws Exception {
        MockUpstream a = closer.upstream(stream(OAI_ROLE, oaiText("chatcmpl-a", "Half")));
        MockUpstream b = closer.upstream(stream(oaiText("chatcmpl-b", " and half."),
                oaiChunk("chatcmpl-b", "{}", "\"stop\""), "data: [DONE]\n\n"));
        ProxyFixture p = proxy(a, b, Map.of());

        HttpResponse<String> r = chat(p, "");

        assertEquals("Half and half.", openAiText(r.body()), r.body());
    }

    // --- Anthropic stream shape ---

    static String ev(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    static String msgStart(String id) {
        return ev("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"" + id + "\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"content\":[],\"model\":\"claude\",\"stop_reason\":null,"
                + "\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}");
    }

    static final String BLOCK_START = ev("content_block_start",
            "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");

    static String textDelta(String text) {
        return ev("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"" + text + "\"}}");
    }

    static String anthropicEnd(int outputTokens) {
        return ev("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
                + ev("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + outputTokens + "}}")
                + ev("message_stop", "{\"type\":\"message_stop\"}");
    }

    HttpResponse<String> messages(ProxyFixture p) {
        return p.post("/v1/messages", "{\"model\":\"m\",\"stream\":true,\"max_tokens\":100,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}",
                "x-api-key", KEY, "anthropic-version", "2023-06-01");
    }

    static String anthropicText(String body) {
        StringBuilder sb = new StringBuilder();
        Matcher m = Pattern.compile("\"text_delta\",\"text\":\"([^\"]*)\"").matcher(body);
        while (m.find()) {
            sb.append(m.group(1));
        }
        return sb.toString();
    }

    @Test
    void anthropicStreamCut_isContinuedWithAPrefill_onTheSameBlock_withOneMessageStartAndOneStop() throws Exception {
        MockUpstream a = closer.upstream(cutAfter(msgStart("msg_a"), BLOCK_START, textDelta("Hello, "),
                textDelta("wor")));
        MockUpstream b = closer.upstream(stream(msgStart("msg_b"), BLOCK_START,
                ev("ping", "{\"type\":\"ping\"}"), textDelta("ld!"), anthropicEnd(3)));
        ProxyFixture p = proxy(a, b, Map.of("PROTO", "anthropic"));

        HttpResponse<String> r = messages(p);

        assertEquals(200, r.statusCode());
        assertEquals("Hello, world!", anthropicText(r.body()), r.body());
        assertEquals(1, count(r.body(), "event: message_start"), r.body());
        assertEquals(1, count(r.body(), "event: content_block_start"), r.body());
        assertEquals(1, count(r.body(), "event: message_stop"), r.body());
        assertFalse(r.body().contains("msg_b") || r.body().contains("\"index\":1"), r.body());
        assertTrue(r.body().contains("\"stop_reason\":\"end_turn\""), r.body());
        assertTrue(r.body().contains("\"output_tokens\":5"), "2 delivered + 3 continued: " + r.body());
        String asked = b.last().bodyText();
        assertTrue(asked.endsWith("{\"role\":\"assistant\",\"content\":\"Hello, wor\"}],\"max_tokens\":100}")
                || asked.contains("{\"role\":\"assistant\",\"content\":\"Hello, wor\"}]"), asked);
        assertFalse(asked.contains(StreamRescue.CONTINUE), "Anthropic backends take a prefill: " + asked);
    }

    @Test
    void anthropicInBandOverloadedErrorMidAnswer_isContinued() throws Exception {
        MockUpstream a = closer.upstream(stream(msgStart("msg_a"), BLOCK_START, textDelta("Hello"),
                ev("error", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}")));
        MockUpstream b = closer.upstream(stream(msgStart("msg_b"), BLOCK_START, textDelta(" there"), anthropicEnd(2)));
        ProxyFixture p = proxy(a, b, Map.of("PROTO", "anthropic"));

        HttpResponse<String> r = messages(p);

        assertEquals("Hello there", anthropicText(r.body()), r.body());
        assertFalse(r.body().contains("overloaded_error"), r.body());
        assertEquals(1, count(r.body(), "event: message_stop"), r.body());
    }

    @Test
    void anthropicBreakInsideToolUse_isNotResumed_theClientGetsAnErrorEvent() throws Exception {
        MockUpstream a = closer.upstream(cutAfter(msgStart("msg_a"), ev("content_block_start",
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\","
                        + "\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{}}}"),
                ev("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                        + "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"ci\"}}")));
        MockUpstream b = closer.upstream(stream(msgStart("msg_b"), BLOCK_START, textDelta("x"), anthropicEnd(1)));
        ProxyFixture p = proxy(a, b, Map.of("PROTO", "anthropic"));

        HttpResponse<String> r = messages(p);

        assertTrue(r.body().contains("event: error") && r.body().contains("tool call"), r.body());
        assertFalse(r.body().contains("message_stop"), r.body());
        assertEquals(0, b.count());
    }

    @Test
    void anthropicFallbackFailing_endsWithTheAnthropicErrorEvent() throws Exception {
        MockUpstream a = closer.upstream(cutAfter(msgStart("msg_a"), BLOCK_START, textDelta("Hello")));
        MockUpstream b = closer.upstream(MockUpstream.json(500, "{\"type\":\"error\",\"error\":{\"type\":\"api_error\"}}"));
        ProxyFixture p = proxy(a, b, Map.of("PROTO", "anthropic"));

        HttpResponse<String> r = messages(p);

        assertTrue(r.body().contains("event: error"), r.body());
        assertFalse(r.body().contains("message_stop"), r.body());
        assertEquals(1, b.count(), "a 500 is not a prefill refusal: no second strategy");
    }
}
