package llmproxy.protocol;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The facade's contract and the failure paths the golden transcripts do not show. */
class TranslationTest {
    private static final Translation OPENAI_CLIENT = TranslationGoldenTest.OPENAI_CLIENT;
    private static final Translation ANTHROPIC_CLIENT = TranslationGoldenTest.ANTHROPIC_CLIENT;

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void backendPathAndHeadersFollowTheBackendsProtocol() {
        assertEquals("/v1/messages", OPENAI_CLIENT.upstreamPath());
        assertEquals(Map.of("anthropic-version", "2023-06-01"), OPENAI_CLIENT.upstreamHeaders());
        assertEquals("/v1/chat/completions", ANTHROPIC_CLIENT.upstreamPath());
        assertEquals(Map.of(), ANTHROPIC_CLIENT.upstreamHeaders());
    }

    @Test
    void sameProtocolIsNotATranslation() {
        assertThrows(IllegalArgumentException.class, () -> Translation.between(Dialect.OPENAI, Dialect.OPENAI));
    }

    @Test
    void requestReportsStreamingAndWhetherTheOpenAiClientWantsUsage() throws TranslationException {
        TranslatedRequest r = OPENAI_CLIENT.request(utf8("{\"model\":\"a\",\"stream\":true,\"stream_options\":"
                + "{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), "m", 4096);
        assertTrue(r.stream());
        assertTrue(r.clientWantsUsage());
        TranslatedRequest plain = OPENAI_CLIENT.request(utf8("{\"model\":\"a\",\"messages\":[]}"), "m", 100);
        assertFalse(plain.stream());
        assertFalse(plain.clientWantsUsage());
        assertEquals("{\"model\":\"m\",\"max_tokens\":100,\"messages\":[]}", text(plain.body()));
    }

    @Test
    void aBodyThatIsNotJsonIsA400InvalidJson() {
        TranslationException e = assertThrows(TranslationException.class,
                () -> OPENAI_CLIENT.request(utf8("{\"model\":"), "m", 1));
        assertEquals(400, e.status());
        assertEquals("invalid_json", e.code());
        assertEquals("request body is not valid JSON: unexpected end of input at offset 9", e.getMessage());
    }

    @Test
    void duplicateKeysInAClientBodyAreRefusedRatherThanGuessed() {
        TranslationException e = assertThrows(TranslationException.class, () -> ANTHROPIC_CLIENT.request(
                utf8("{\"model\":\"a\",\"max_tokens\":1,\"max_tokens\":9,\"messages\":[]}"), "m", 1));
        assertEquals("invalid_json", e.code());
        assertTrue(e.getMessage().contains("duplicate key \"max_tokens\""), e.getMessage());
    }

    @Test
    void invalidToolArgumentsAreA400NeverAnEmptyObject() {
        String body = "{\"model\":\"a\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\","
                + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":\"}}]}]}";
        TranslationException e = assertThrows(TranslationException.class, () -> OPENAI_CLIENT.request(utf8(body), "m", 1));
        assertEquals(400, e.status());
        assertEquals("invalid_tool_arguments", e.code());
        assertEquals("messages[0].tool_calls[0].function.arguments", e.param());
        assertEquals("messages[0].tool_calls[0].function.arguments is not valid JSON: unexpected end of input at "
                + "offset 5", e.getMessage());
    }

    @Test
    void aRefusalIsAnsweredInTheClientsOwnEnvelope() {
        TranslationException e = TranslationException.unsupported("n", "this backend returns exactly one choice");
        assertEquals("{\"error\":{\"message\":\"unsupported parameter 'n': this backend returns exactly one choice\","
                + "\"type\":\"invalid_request_error\",\"param\":\"n\",\"code\":\"unsupported_parameter\"}}",
                text(OPENAI_CLIENT.error(e)));
        assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":"
                + "\"unsupported parameter 'n': this backend returns exactly one choice\"}}", text(ANTHROPIC_CLIENT.error(e)));
        TranslationException bad = TranslationException.badUpstream("no choices");
        assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"upstream response: no choices\"}}",
                text(ANTHROPIC_CLIENT.error(bad)));
    }

    @Test
    void malformedUpstreamAnswersAre502() {
        String[] openAiAnswers = {
            "not json",
            "{\"id\":\"x\",\"model\":\"m\",\"choices\":[]}",
            "{\"id\":\"x\",\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"tool_calls\":"
                    + "[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{bad\"}}]},"
                    + "\"finish_reason\":\"tool_calls\"}]}",
            "{\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"content\":\"hi\"}}]}",
            "{\"id\":\"x\",\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"content\":\"hi\"}}],"
                    + "\"usage\":{\"prompt_tokens\":-1}}",
        };
        for (String answer : openAiAnswers) {
            TranslationException e = assertThrows(TranslationException.class, () -> ANTHROPIC_CLIENT.response(utf8(answer)),
                    answer);
            assertEquals(502, e.status(), answer);
            assertEquals("bad_upstream_response", e.code());
        }
        TranslationException e = assertThrows(TranslationException.class,
                () -> OPENAI_CLIENT.response(utf8("{\"id\":\"m\",\"model\":\"c\",\"content\":[{\"type\":\"tool_use\","
                        + "\"id\":\"t\",\"name\":\"f\",\"input\":\"{}\"}]}")));
        assertEquals("upstream response: content[0].input is not an object", e.getMessage());
    }

    @Test
    void eachUpstreamEventIsTranslatedAtOnceWithoutWaitingForTheNext() throws TranslationException {
        StreamTranslator st = OPENAI_CLIENT.stream(false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        st.onEvent(new SseEvent("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg\",\"model\":\"c\","
                + "\"usage\":{\"input_tokens\":3}}}"), out::writeBytes);
        assertTrue(text(out.toByteArray()).contains("\"role\":\"assistant\""));
        out.reset();
        st.onEvent(new SseEvent("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"), out::writeBytes);
        assertEquals(0, out.size(), "an empty block start has nothing to say yet");
        st.onEvent(new SseEvent("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}"), out::writeBytes);
        assertTrue(text(out.toByteArray()).contains("\"content\":\"Hi\""));
    }

    @Test
    void aMalformedUpstreamEventIsA502() {
        StreamTranslator toOpenAi = OPENAI_CLIENT.stream(false);
        TranslationException e = assertThrows(TranslationException.class,
                () -> toOpenAi.onEvent(new SseEvent("content_block_delta", "{\"type\":"), b -> { }));
        assertEquals(502, e.status());
        StreamTranslator toAnthropic = ANTHROPIC_CLIENT.stream(false);
        assertThrows(TranslationException.class, () -> toAnthropic.onEvent(new SseEvent(null, "[1]"), b -> { }));
    }

    @Test
    void argumentsForABlockThatIsNotAToolAreA502() throws TranslationException {
        StreamTranslator st = OPENAI_CLIENT.stream(false);
        st.onEvent(new SseEvent(null, "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\"}}"),
                b -> { });
        TranslationException e = assertThrows(TranslationException.class, () -> st.onEvent(new SseEvent(null,
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\"}}"),
                b -> { }));
        assertEquals("upstream response: input_json_delta for block 0, which is not a tool_use block", e.getMessage());
    }

    @Test
    void aToolCallResumedAfterAnotherBeganIsA502RatherThanAReorderedAnswer() throws TranslationException {
        StreamTranslator st = ANTHROPIC_CLIENT.stream(false);
        String head = "{\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[";
        st.onEvent(new SseEvent(null, head + "{\"index\":0,\"id\":\"a\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}}]}"),
                b -> { });
        st.onEvent(new SseEvent(null, head + "{\"index\":1,\"id\":\"b\",\"function\":{\"name\":\"g\",\"arguments\":\"\"}}]}}]}"),
                b -> { });
        TranslationException e = assertThrows(TranslationException.class, () -> st.onEvent(new SseEvent(null,
                head + "{\"index\":0,\"function\":{\"arguments\":\"{}\"}}]}}]}"), b -> { }));
        assertEquals("upstream response: tool call 0 continued after another began", e.getMessage());
    }

    @Test
    void aFailureMidStreamIsWrittenOnceAndEndsTheStream() throws TranslationException {
        for (Translation t : new Translation[] {OPENAI_CLIENT, ANTHROPIC_CLIENT}) {
            StreamTranslator st = t.stream(true);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            st.onFailure("upstream stalled", out::writeBytes);
            st.onFailure("again", out::writeBytes);
            st.onEvent(new SseEvent(null, "{\"type\":\"message_stop\"}"), out::writeBytes);
            assertTrue(st.onEnd(out::writeBytes));
            String written = text(out.toByteArray());
            assertTrue(written.contains("upstream stalled"), written);
            assertFalse(written.contains("again"), written);
            assertFalse(written.contains("[DONE]") || written.contains("message_stop"), written);
        }
    }

    @Test
    void aStreamCutShortReportsItselfIncomplete() throws TranslationException {
        StreamTranslator st = OPENAI_CLIENT.stream(false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        st.onEvent(new SseEvent(null, "{\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"c\"}}"), out::writeBytes);
        assertFalse(st.onEnd(out::writeBytes));
        StreamTranslator st2 = ANTHROPIC_CLIENT.stream(false);
        st2.onEvent(new SseEvent(null, "[DONE]"), out::writeBytes);
        assertTrue(st2.onEnd(out::writeBytes));
    }

    @Test
    void hostileTokenCountsSaturateInsteadOfTurningNegative() throws TranslationException {
        String answer = "{\"id\":\"m\",\"model\":\"c\",\"content\":[],\"usage\":{\"input_tokens\":9223372036854775807,"
                + "\"cache_read_input_tokens\":5,\"output_tokens\":9223372036854775807}}";
        String out = text(OPENAI_CLIENT.response(utf8(answer)));
        assertTrue(out.contains("\"prompt_tokens\":9223372036854775807,\"completion_tokens\":9223372036854775807,"
                + "\"total_tokens\":9223372036854775807"), out);
    }
}
