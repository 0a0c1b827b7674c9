package llmproxy.proxy;

import llmproxy.json.JsonParser;
import llmproxy.json.JsonValue;
import llmproxy.json.JsonValue.JsonArray;
import llmproxy.json.JsonValue.JsonObject;
import llmproxy.json.JsonValue.JsonString;
import llmproxy.json.JsonWriter;
import llmproxy.testkit.Closer;
import llmproxy.testkit.MockUpstream;
import llmproxy.testkit.ProxyFixture;
import llmproxy.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cross-protocol routing through the real proxy: clients of one dialect served by strict mock backends of
 * the other, with the golden fixtures of {@code llmproxy.protocol} as what goes over each wire.
 */
class TranslationEndToEndTest {
    static final String CONFIG = """
            listen: "127.0.0.1:0"
            backends:
              - name: claude
                url: "${ANTHROPIC}"
                api_key: "sk-ant-backend"
                protocol: anthropic
              - name: gpt
                url: "${OPENAI}"
                api_key: "sk-openai-backend"
                protocol: openai
            models:
              "to-claude":
                routes:
                  - backend: claude
                    model: "claude-sonnet-4-5"
              "to-gpt":
                routes:
                  - backend: gpt
                    model: "gpt-4o"
              "claude-then-gpt":
                routes:
                  - backend: claude
                    model: "claude-sonnet-4-5"
                    priority: 1
                  - backend: gpt
                    model: "gpt-4o"
                    priority: 2
              "gpt-then-claude":
                routes:
                  - backend: gpt
                    model: "gpt-4o"
                    priority: 1
                  - backend: claude
                    model: "claude-sonnet-4-5"
                    priority: 2
            timeouts:
              response_header_seconds: 5
              stream_idle_seconds: 5
            logging:
              level: error
            """;

    final Closer closer = new Closer();

    @AfterEach
    void closeAll() throws Exception {
        closer.close();
    }

    static String golden(String name) {
        try (InputStream in = TranslationEndToEndTest.class.getResourceAsStream("/llmproxy/protocol/golden/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String compact(String json) {
        try {
            return JsonWriter.write(JsonParser.parse(json));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The golden request with the client's alias as its model. */
    static String clientBody(String name, String alias) {
        try {
            JsonObject o = (JsonObject) JsonParser.parse(golden(name));
            java.util.LinkedHashMap<String, JsonValue> m = new java.util.LinkedHashMap<>(o.members());
            m.put("model", new JsonString(alias));
            return JsonWriter.write(new JsonObject(m));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Answers 400 naming what a strict Anthropic API would reject, else runs {@code then}. */
    static MockUpstream.Script strictAnthropic(MockUpstream.Script then) {
        return (ex, req) -> {
            List<String> problems = new ArrayList<>();
            check(problems, req.path().equals("/v1/messages"), "path " + req.path());
            check(problems, "2023-06-01".equals(req.header("anthropic-version")), "anthropic-version");
            check(problems, "sk-ant-backend".equals(req.header("x-api-key")), "x-api-key");
            check(problems, req.header("authorization") == null, "no Authorization");
            check(problems, req.header("accept-encoding") == null, "no compression asked");
            JsonObject body = (JsonObject) JsonParser.parse(req.body());
            check(problems, body.get("max_tokens") != null, "max_tokens required");
            String previous = null;
            for (JsonValue v : ((JsonArray) body.get("messages")).elements()) {
                String role = ((JsonString) ((JsonObject) v).get("role")).value();
                check(problems, !role.equals(previous), "roles alternate");
                previous = role;
                if (((JsonObject) v).get("content") instanceof JsonArray blocks) {
                    boolean other = false;
                    for (JsonValue b : blocks.elements()) {
                        boolean result = ((JsonObject) b).get("type").equals(new JsonString("tool_result"));
                        check(problems, !(result && other), "tool_result blocks first");
                        other |= !result;
                    }
                }
            }
            if (!problems.isEmpty()) {
                MockUpstream.json(400, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":"
                        + JsonWriter.write(new JsonString(String.join("; ", problems))) + "}}").respond(ex, req);
                return;
            }
            then.respond(ex, req);
        };
    }

    /** Answers 400 naming what a strict OpenAI API would reject, else runs {@code then}. */
    static MockUpstream.Script strictOpenAi(MockUpstream.Script then) {
        return (ex, req) -> {
            List<String> problems = new ArrayList<>();
            check(problems, req.path().equals("/v1/chat/completions"), "path " + req.path());
            check(problems, "Bearer sk-openai-backend".equals(req.header("authorization")), "Authorization");
            check(problems, req.header("x-api-key") == null, "no x-api-key");
            check(problems, req.header("anthropic-version") == null, "no anthropic-version");
            JsonObject body = (JsonObject) JsonParser.parse(req.body());
            if (body.get("stream") != null) {
                check(problems, compact("{\"include_usage\":true}").equals(JsonWriter.write(body.get("stream_options"))),
                        "streams ask for usage");
            }
            if (!problems.isEmpty()) {
                MockUpstream.json(400, "{\"error\":{\"message\":" + JsonWriter.write(new JsonString(
                        String.join("; ", problems))) + ",\"type\":\"invalid_request_error\"}}").respond(ex, req);
                return;
            }
            then.respond(ex, req);
        };
    }

    static void check(List<String> problems, boolean ok, String what) {
        if (!ok) {
            problems.add(what);
        }
    }

    static MockUpstream.Script sseFile(String name) {
        return MockUpstream.respond(200, "text/event-stream", golden(name), Map.of());
    }

    ProxyFixture proxy(MockUpstream anthropic, MockUpstream openai) {
        return closer.proxy(CONFIG, Map.of("ANTHROPIC", anthropic.url(), "OPENAI", openai.url()),
                new TestClock(1_700_000_000_000L));
    }

    static String withoutCreated(String s) {
        return s.replaceAll("\"created\":\\d+", "\"created\":0");
    }

    @Test
    void openAiClientIsServedByAnAnthropicBackend() throws Exception {
        MockUpstream claude = closer.upstream(strictAnthropic(MockUpstream.json(200,
                golden("response/anthropic-to-openai/parallel-tool-use.in.json"))));
        MockUpstream gpt = closer.upstream(MockUpstream.json(500, "{}"));
        ProxyFixture p = proxy(claude, gpt);

        HttpResponse<String> r = p.post("/v1/chat/completions",
                clientBody("request/openai-to-anthropic/parallel-tool-calls-and-results.in.json", "to-claude"),
                "Authorization", "Bearer client-key", "Accept-Encoding", "gzip");

        assertEquals(200, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("content-type").orElseThrow());
        assertEquals(withoutCreated(compact(golden("response/anthropic-to-openai/parallel-tool-use.out.json"))),
                withoutCreated(r.body()));
        assertEquals(compact(golden("request/openai-to-anthropic/parallel-tool-calls-and-results.out.json")),
                claude.last().bodyText());
        assertEquals(0, gpt.count());
    }

    @Test
    void openAiClientStreamsFromAnAnthropicBackend() throws Exception {
        MockUpstream claude = closer.upstream(strictAnthropic(sseFile("stream/anthropic-to-openai/text-with-usage.in.sse")));
        ProxyFixture p = proxy(claude, closer.upstream(MockUpstream.json(500, "{}")));

        HttpResponse<String> r = p.post("/v1/chat/completions", "{\"model\":\"to-claude\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertEquals(200, r.statusCode(), r.body());
        assertEquals("text/event-stream", r.headers().firstValue("content-type").orElseThrow());
        assertEquals(withoutCreated(golden("stream/anthropic-to-openai/text-with-usage.out.sse")), withoutCreated(r.body()));
        assertEquals(compact("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":4096,\"messages\":[{\"role\":\"user\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"Hi\"}]}],\"stream\":true}"), claude.last().bodyText());
    }

    @Test
    void anthropicClientIsServedByAnOpenAiBackend() throws Exception {
        MockUpstream gpt = closer.upstream(strictOpenAi(MockUpstream.json(200,
                golden("response/openai-to-anthropic/parallel-tool-calls.in.json"))));
        ProxyFixture p = proxy(closer.upstream(MockUpstream.json(500, "{}")), gpt);

        HttpResponse<String> r = p.post("/v1/messages",
                clientBody("request/anthropic-to-openai/tool-round-trip.in.json", "to-gpt"),
                "x-api-key", "client-key", "anthropic-version", "2023-06-01", "anthropic-beta", "x");

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(compact(golden("response/openai-to-anthropic/parallel-tool-calls.out.json")), r.body());
        assertEquals(compact(golden("request/anthropic-to-openai/tool-round-trip.out.json")), gpt.last().bodyText());
    }

    @Test
    void anthropicClientStreamsFromAnOpenAiBackend() throws Exception {
        MockUpstream gpt = closer.upstream(strictOpenAi(sseFile("stream/openai-to-anthropic/parallel-tool-calls.in.sse")));
        ProxyFixture p = proxy(closer.upstream(MockUpstream.json(500, "{}")), gpt);

        HttpResponse<String> r = p.post("/v1/messages", "{\"model\":\"to-gpt\",\"max_tokens\":100,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"}]}", "anthropic-version", "2023-06-01");

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(golden("stream/openai-to-anthropic/parallel-tool-calls.out.sse"), r.body());
    }

    @Test
    void anErrorFromTheOtherProtocolReachesTheClientInItsOwnEnvelopeWithItsStatus() throws Exception {
        MockUpstream claude = closer.upstream(MockUpstream.json(429, "{\"type\":\"error\",\"error\":{\"type\":"
                + "\"rate_limit_error\",\"message\":\"slow down\"}}"));
        MockUpstream gpt = closer.upstream(MockUpstream.json(404, "{\"error\":{\"message\":\"no such model\","
                + "\"type\":\"invalid_request_error\",\"code\":\"model_not_found\"}}"));
        ProxyFixture p = proxy(claude, gpt);

        HttpResponse<String> toClaude = p.post("/v1/chat/completions", "{\"model\":\"to-claude\",\"messages\":[]}");
        assertEquals(429, toClaude.statusCode());
        assertEquals("{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\",\"param\":null,\"code\":null}}",
                toClaude.body());

        HttpResponse<String> toGpt = p.post("/v1/messages", "{\"model\":\"to-gpt\",\"max_tokens\":5,\"messages\":[]}");
        assertEquals(404, toGpt.statusCode());
        assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"no such model\"}}",
                toGpt.body());
    }

    @Test
    void anAnthropicClientFallsBackFromAFailingAnthropicBackendToAnOpenAiOne() throws Exception {
        MockUpstream claude = closer.upstream(MockUpstream.json(529, "{\"type\":\"error\",\"error\":{\"type\":"
                + "\"overloaded_error\",\"message\":\"Overloaded\"}}"));
        MockUpstream gpt = closer.upstream(strictOpenAi(MockUpstream.json(200,
                golden("response/openai-to-anthropic/text-stop-with-cached-usage.in.json"))));
        ProxyFixture p = proxy(claude, gpt);

        HttpResponse<String> r = p.post("/v1/messages", "{\"model\":\"claude-then-gpt\",\"max_tokens\":50,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "x-api-key", "k", "anthropic-version", "2023-06-01");

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(compact(golden("response/openai-to-anthropic/text-stop-with-cached-usage.out.json")), r.body());
        assertEquals(1, claude.count());
        assertTrue(claude.last().bodyText().contains("\"model\":\"claude-sonnet-4-5\""), "passthrough to Anthropic");
    }

    @Test
    void anOpenAiClientFallsBackFromAFailingOpenAiBackendToAnAnthropicOne() throws Exception {
        MockUpstream gpt = closer.upstream(MockUpstream.json(503, "{\"error\":{\"message\":\"down\"}}"));
        MockUpstream claude = closer.upstream(strictAnthropic(MockUpstream.json(200,
                golden("response/anthropic-to-openai/text-end-turn-with-cache-usage.in.json"))));
        ProxyFixture p = proxy(claude, gpt);

        HttpResponse<String> r = p.post("/v1/chat/completions", "{\"model\":\"gpt-then-claude\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(withoutCreated(compact(golden("response/anthropic-to-openai/text-end-turn-with-cache-usage.out.json"))),
                withoutCreated(r.body()));
        assertEquals(1, gpt.count());
    }

    @Test
    void aParameterTheOtherProtocolCannotHonourIsA400AndNothingIsSent() throws Exception {
        MockUpstream claude = closer.upstream(MockUpstream.json(200, "{}"));
        ProxyFixture p = proxy(claude, closer.upstream(MockUpstream.json(500, "{}")));

        HttpResponse<String> r = p.post("/v1/chat/completions", "{\"model\":\"to-claude\",\"n\":3,\"messages\":[]}");

        assertEquals(400, r.statusCode());
        assertEquals("{\"error\":{\"message\":\"unsupported parameter 'n': this backend returns exactly one choice\","
                + "\"type\":\"invalid_request_error\",\"param\":\"n\",\"code\":\"unsupported_parameter\"}}", r.body());
        assertEquals(0, claude.count());
    }

    @Test
    void aRefusedParameterSkipsToABackendOfTheClientsOwnProtocol() throws Exception {
        MockUpstream claude = closer.upstream(MockUpstream.json(200, "{}"));
        MockUpstream gpt = closer.upstream(MockUpstream.chatOk("served-by-gpt"));
        ProxyFixture p = proxy(claude, gpt);

        HttpResponse<String> r = p.post("/v1/chat/completions", "{\"model\":\"claude-then-gpt\",\"n\":3,\"messages\":[]}");

        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("served-by-gpt"), r.body());
        assertEquals(0, claude.count());
        assertTrue(gpt.last().bodyText().contains("\"n\":3"), "passthrough keeps the client's bytes");
    }

    @Test
    void otherEndpointsNeverReachABackendOfTheOtherProtocol() throws Exception {
        MockUpstream claude = closer.upstream(MockUpstream.json(200, "{}"));
        ProxyFixture p = proxy(claude, closer.upstream(MockUpstream.json(500, "{}")));

        HttpResponse<String> r = p.post("/v1/embeddings", "{\"model\":\"to-claude\",\"input\":\"x\"}");

        assertEquals(502, r.statusCode());
        assertTrue(r.body().contains("no_compatible_backend"), r.body());
        assertEquals(0, claude.count());
    }

    @Test
    void anAnswerThatCannotBeTranslatedIsAFailedAttemptThatFallsBack() throws Exception {
        MockUpstream claude = closer.upstream(MockUpstream.json(200, "{\"id\":\"msg\",\"model\":\"c\",\"content\":"
                + "[{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":\"not an object\"}]}"));
        MockUpstream gpt = closer.upstream(MockUpstream.chatOk("served-by-gpt"));
        ProxyFixture p = proxy(claude, gpt);

        HttpResponse<String> alone = p.post("/v1/chat/completions", "{\"model\":\"to-claude\",\"messages\":[]}");
        assertEquals(502, alone.statusCode());
        assertTrue(alone.body().contains("answer could not be translated: upstream response: content[0].input is not "
                + "an object"), alone.body());

        HttpResponse<String> fallback = p.post("/v1/chat/completions", "{\"model\":\"claude-then-gpt\",\"messages\":[]}");
        assertEquals(200, fallback.statusCode(), fallback.body());
        assertTrue(fallback.body().contains("served-by-gpt"), fallback.body());
    }

    @Test
    void anInBandErrorBeforeAnyContentFallsBackAcrossProtocols() throws Exception {
        MockUpstream claude = closer.upstream(MockUpstream.respond(200, "text/event-stream",
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"c\"}}\n\n"
                        + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                        + "\"message\":\"Overloaded\"}}\n\n", Map.of()));
        MockUpstream gpt = closer.upstream(sseFile("stream/openai-to-anthropic/text-with-usage-chunk.in.sse"));
        ProxyFixture p = proxy(claude, gpt);

        HttpResponse<String> r = p.post("/v1/chat/completions", "{\"model\":\"claude-then-gpt\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"content\":\"Hello\""), r.body());
        assertTrue(!r.body().contains("Overloaded"), r.body());
        assertEquals(1, claude.count());
    }

    @Test
    void aStreamCutShortEndsWithTheClientsInBandError() throws Exception {
        MockUpstream claude = closer.upstream(sseFile("stream/anthropic-to-openai/cut-short-ends-with-error.in.sse"));
        ProxyFixture p = proxy(claude, closer.upstream(MockUpstream.json(500, "{}")));

        HttpResponse<String> r = p.post("/v1/chat/completions", "{\"model\":\"to-claude\",\"stream\":true,\"messages\":[]}");

        assertTrue(r.body().contains("\"content\":\"Half an ans\""), r.body());
        assertTrue(r.body().endsWith("\n\n") && r.body().contains("data: {\"error\":{\"message\":\"upstream stream from "
                + "claude broke: upstream stream ended before the answer was complete"), r.body());
        assertTrue(!r.body().contains("[DONE]"), r.body());
    }
}
