package llmproxy.protocol;

import llmproxy.json.JsonException;
import llmproxy.json.JsonParser;
import llmproxy.json.JsonValue;
import llmproxy.json.JsonValue.JsonArray;
import llmproxy.json.JsonValue.JsonNumber;
import llmproxy.json.JsonValue.JsonObject;
import llmproxy.json.JsonValue.JsonString;
import llmproxy.json.JsonWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every mapping row of the translation, proven against golden fixtures (see {@link Golden}). */
class TranslationGoldenTest {
    static final InstantSource CLOCK = InstantSource.fixed(Instant.ofEpochSecond(1_700_000_000));
    static final Translation OPENAI_CLIENT = Translation.between(Dialect.OPENAI, Dialect.ANTHROPIC, CLOCK);
    static final Translation ANTHROPIC_CLIENT = Translation.between(Dialect.ANTHROPIC, Dialect.OPENAI, CLOCK);

    static Stream<String> openAiRequests() {
        return Golden.cases("request/openai-to-anthropic");
    }

    static Stream<String> anthropicRequests() {
        return Golden.cases("request/anthropic-to-openai");
    }

    static Stream<String> anthropicResponses() {
        return Golden.cases("response/anthropic-to-openai");
    }

    static Stream<String> openAiResponses() {
        return Golden.cases("response/openai-to-anthropic");
    }

    static Stream<String> anthropicStreams() {
        return Golden.cases("stream/anthropic-to-openai");
    }

    static Stream<String> openAiStreams() {
        return Golden.cases("stream/openai-to-anthropic");
    }

    @ParameterizedTest
    @MethodSource("openAiRequests")
    void openAiRequestBecomesAnthropicRequest(String in) throws Exception {
        TranslatedRequest r = OPENAI_CLIENT.request(Golden.read(in), "claude-sonnet-4-5", 4096);
        Golden.assertJson(Golden.outName(in), r.body());
    }

    @ParameterizedTest
    @MethodSource("anthropicRequests")
    void anthropicRequestBecomesOpenAiRequest(String in) throws Exception {
        TranslatedRequest r = ANTHROPIC_CLIENT.request(Golden.read(in), "gpt-4o", 4096);
        Golden.assertJson(Golden.outName(in), r.body());
    }

    @ParameterizedTest
    @MethodSource("anthropicResponses")
    void anthropicResponseBecomesOpenAiResponse(String in) throws Exception {
        Golden.assertJson(Golden.outName(in), OPENAI_CLIENT.response(Golden.read(in)));
    }

    @ParameterizedTest
    @MethodSource("openAiResponses")
    void openAiResponseBecomesAnthropicResponse(String in) throws Exception {
        Golden.assertJson(Golden.outName(in), ANTHROPIC_CLIENT.response(Golden.read(in)));
    }

    @ParameterizedTest
    @MethodSource("anthropicStreams")
    void anthropicStreamBecomesOpenAiStream(String in) throws Exception {
        Golden.assertText(Golden.outName(in), translateStream(OPENAI_CLIENT, in));
    }

    @ParameterizedTest
    @MethodSource("openAiStreams")
    void openAiStreamBecomesAnthropicStream(String in) throws Exception {
        Golden.assertText(Golden.outName(in), translateStream(ANTHROPIC_CLIENT, in));
    }

    /**
     * Feeds the upstream transcript in 7-byte chunks, as a network would split it; a leading
     * {@code : include_usage} comment stands for a client that asked for the usage chunk.
     */
    static String translateStream(Translation t, String in) throws Exception {
        byte[] upstream = Golden.read(in);
        boolean usage = new String(upstream, StandardCharsets.UTF_8).startsWith(": include_usage");
        StreamTranslator st = t.stream(usage);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SseReader reader = new SseReader(1 << 20);
        for (int i = 0; i < upstream.length; i += 7) {
            for (SseEvent e : reader.feed(upstream, i, Math.min(7, upstream.length - i))) {
                st.onEvent(e, out::writeBytes);
            }
        }
        st.onEnd(out::writeBytes);
        return out.toString(StandardCharsets.UTF_8);
    }

    static Stream<JsonObject> refusedOpenAi() {
        return table("refused/openai-to-anthropic.json");
    }

    static Stream<JsonObject> refusedAnthropic() {
        return table("refused/anthropic-to-openai.json");
    }

    static Stream<JsonObject> table(String name) {
        JsonArray rows = (JsonArray) Golden.json(name);
        return rows.elements().stream().map(JsonObject.class::cast);
    }

    @ParameterizedTest
    @MethodSource("refusedOpenAi")
    void openAiRequestThatAnthropicCannotHonourIsA400NamingTheField(JsonObject row) {
        assertRefused(OPENAI_CLIENT, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"max_tokens\":10}", row);
    }

    @ParameterizedTest
    @MethodSource("refusedAnthropic")
    void anthropicRequestThatOpenAiCannotHonourIsA400NamingTheField(JsonObject row) {
        assertRefused(ANTHROPIC_CLIENT, "{\"model\":\"claude\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}", row);
    }

    private static void assertRefused(Translation t, String base, JsonObject row) {
        LinkedHashMap<String, JsonValue> body;
        try {
            body = new LinkedHashMap<>(((JsonObject) JsonParser.parse(base)).members());
        } catch (JsonException e) {
            throw new IllegalStateException(e);
        }
        body.putAll(((JsonObject) row.get("body")).members());
        byte[] bytes = JsonWriter.bytes(new JsonObject(body));
        TranslationException e = assertThrows(TranslationException.class, () -> t.request(bytes, "m", 4096),
                row.toString());
        String code = row.get("code") instanceof JsonString s ? s.value() : "unsupported_parameter";
        assertEquals(400, e.status(), e.getMessage());
        assertEquals(code, e.code(), e.getMessage());
        assertEquals(((JsonString) row.get("param")).value(), e.param(), e.getMessage());
        assertTrue(e.getMessage().contains(e.param()), e.getMessage());
    }

    static Stream<JsonObject> anthropicErrors() {
        return table("errors/anthropic-to-openai.json");
    }

    static Stream<JsonObject> openAiErrors() {
        return table("errors/openai-to-anthropic.json");
    }

    @ParameterizedTest
    @MethodSource("anthropicErrors")
    void anthropicErrorBodyBecomesOpenAiEnvelope(JsonObject row) {
        assertError(OPENAI_CLIENT, row);
    }

    @ParameterizedTest
    @MethodSource("openAiErrors")
    void openAiErrorBodyBecomesAnthropicEnvelope(JsonObject row) {
        assertError(ANTHROPIC_CLIENT, row);
    }

    private static void assertError(Translation t, JsonObject row) {
        int status = Integer.parseInt(((JsonNumber) row.get("status")).text());
        byte[] body = ((JsonString) row.get("body")).value().getBytes(StandardCharsets.UTF_8);
        assertEquals(JsonWriter.write(row.get("expected")), new String(t.error(status, body), StandardCharsets.UTF_8));
    }

    /** Fixture names double as documentation; keep them unique and paired. */
    @ParameterizedTest
    @MethodSource("allInputs")
    void everyInputFixtureHasItsExpectedOutput(String in) {
        assertTrue(Golden.dir(".").resolve(Golden.outName(in)).toFile().isFile(), in);
    }

    static Stream<String> allInputs() {
        return Stream.of(openAiRequests(), anthropicRequests(), anthropicResponses(), openAiResponses(),
                anthropicStreams(), openAiStreams()).flatMap(s -> s);
    }
}
