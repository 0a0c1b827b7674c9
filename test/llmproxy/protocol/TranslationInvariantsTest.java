package llmproxy.protocol;

import llmproxy.json.JsonParser;
import llmproxy.json.JsonValue;
import llmproxy.json.JsonValue.JsonArray;
import llmproxy.json.JsonValue.JsonNumber;
import llmproxy.json.JsonValue.JsonObject;
import llmproxy.json.JsonValue.JsonString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Structural rules the backends and SDKs enforce, checked over every golden input: what a strict
 * provider would reject must never be produced, whatever the client sent.
 */
class TranslationInvariantsTest {

    static Stream<String> openAiRequests() {
        return TranslationGoldenTest.openAiRequests();
    }

    static Stream<String> anthropicRequests() {
        return TranslationGoldenTest.anthropicRequests();
    }

    static Stream<String> anthropicStreams() {
        return TranslationGoldenTest.anthropicStreams();
    }

    static Stream<String> openAiStreams() {
        return TranslationGoldenTest.openAiStreams();
    }

    private static String str(JsonValue v) {
        return ((JsonString) v).value();
    }

    private static JsonObject obj(JsonValue v) {
        return (JsonObject) v;
    }

    @ParameterizedTest
    @MethodSource("openAiRequests")
    void anthropicRequestsAlternateRolesStartWithUserAndPutToolResultsFirst(String in) throws Exception {
        JsonObject out = JsonParser.parseObject(TranslationGoldenTest.OPENAI_CLIENT
                .request(Golden.read(in), "m", 4096).body());
        assertTrue(out.get("max_tokens") instanceof JsonNumber, "max_tokens is required");
        List<JsonValue> messages = ((JsonArray) out.get("messages")).elements();
        assertEquals("user", str(obj(messages.get(0)).get("role")));
        for (int i = 0; i < messages.size(); i++) {
            JsonObject m = obj(messages.get(i));
            String role = str(m.get("role"));
            assertTrue(role.equals("user") || role.equals("assistant"), role);
            if (i > 0) {
                assertNotEquals(str(obj(messages.get(i - 1)).get("role")), role, "roles alternate at " + i);
            }
            List<JsonValue> blocks = ((JsonArray) m.get("content")).elements();
            assertTrue(!blocks.isEmpty(), "no empty turns");
            boolean seenOther = false;
            for (JsonValue b : blocks) {
                String type = str(obj(b).get("type"));
                if (type.equals("tool_result")) {
                    assertEquals("user", role);
                    assertTrue(!seenOther, "tool_result blocks come first in " + in);
                } else {
                    seenOther = true;
                }
                if (type.equals("tool_use")) {
                    assertEquals("assistant", role);
                    assertTrue(obj(b).get("input") instanceof JsonObject);
                }
                if (type.equals("text")) {
                    assertTrue(!str(obj(b).get("text")).isEmpty(), "no empty text blocks");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("anthropicRequests")
    void openAiToolMessagesFollowTheAssistantMessageThatCalledThem(String in) throws Exception {
        JsonObject out = JsonParser.parseObject(TranslationGoldenTest.ANTHROPIC_CLIENT
                .request(Golden.read(in), "m", 4096).body());
        List<JsonValue> messages = ((JsonArray) out.get("messages")).elements();
        String previous = null;
        for (JsonValue v : messages) {
            JsonObject m = obj(v);
            String role = str(m.get("role"));
            if (role.equals("tool")) {
                assertTrue("tool".equals(previous) || "assistant".equals(previous), in);
                assertTrue(m.get("tool_call_id") instanceof JsonString);
            }
            if (role.equals("assistant") && m.get("tool_calls") instanceof JsonArray calls) {
                for (JsonValue c : calls.elements()) {
                    JsonParser.parseObject(str(obj(obj(c).get("function")).get("arguments"))
                            .getBytes(StandardCharsets.UTF_8));
                }
            }
            previous = role;
        }
        assertEquals(Boolean.TRUE.equals(out.get("stream") instanceof JsonValue.JsonBool b && b.value()),
                out.get("stream_options") != null, "a stream always asks for usage");
    }

    /** Assembles an OpenAI stream the way the SDK's {@code finalChatCompletion()} does, checking rules on the way. */
    static Map<String, Object> assembleOpenAi(String sse) throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        StringBuilder content = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        List<String[]> tools = new ArrayList<>();
        boolean done = false;
        for (SseEvent e : new SseReader(1 << 20).feed(sse.getBytes(StandardCharsets.UTF_8))) {
            assertTrue(!done, "nothing after [DONE]");
            assertEquals(null, e.event(), "OpenAI events are unnamed");
            if (e.data().equals("[DONE]")) {
                done = true;
                continue;
            }
            JsonObject chunk = JsonParser.parseObject(e.data().getBytes(StandardCharsets.UTF_8));
            if (chunk.get("error") != null) {
                result.put("error", str(obj(chunk.get("error")).get("message")));
                continue;
            }
            assertEquals(new JsonString("chat.completion.chunk"), chunk.get("object"));
            if (chunk.get("usage") instanceof JsonObject u) {
                result.put("usage", u);
            }
            for (JsonValue c : ((JsonArray) chunk.get("choices")).elements()) {
                JsonObject delta = obj(obj(c).get("delta"));
                if (delta.get("content") instanceof JsonString s) {
                    content.append(s.value());
                }
                if (delta.get("reasoning_content") instanceof JsonString s) {
                    reasoning.append(s.value());
                }
                if (delta.get("tool_calls") instanceof JsonArray calls) {
                    for (JsonValue tc : calls.elements()) {
                        int index = Integer.parseInt(((JsonNumber) obj(tc).get("index")).text());
                        if (obj(tc).get("id") != null) {
                            assertEquals(tools.size(), index, "a new tool call takes the next index");
                            tools.add(new String[] {str(obj(tc).get("id")),
                                    str(obj(obj(tc).get("function")).get("name")), ""});
                        }
                        String[] t = tools.get(index);
                        t[2] += str(obj(obj(tc).get("function")).get("arguments"));
                    }
                }
                if (obj(c).get("finish_reason") instanceof JsonString f) {
                    result.put("finish_reason", f.value());
                }
            }
        }
        result.put("done", done);
        result.put("content", content.toString());
        result.put("reasoning", reasoning.toString());
        List<String> calls = new ArrayList<>();
        for (String[] t : tools) {
            JsonParser.parseObject(t[2].getBytes(StandardCharsets.UTF_8)); // arguments assemble into JSON
            calls.add(t[0] + " " + t[1] + " " + t[2]);
        }
        result.put("tool_calls", calls);
        return result;
    }

    @ParameterizedTest
    @MethodSource("anthropicStreams")
    void openAiStreamsAreWellFormedAndEndWithDoneOrAnError(String in) throws Exception {
        Map<String, Object> r = assembleOpenAi(TranslationGoldenTest.translateStream(TranslationGoldenTest.OPENAI_CLIENT, in));
        assertTrue((Boolean) r.get("done") ^ r.containsKey("error"), in + " " + r);
        assertEquals(r.containsKey("error"), !r.containsKey("finish_reason") || in.contains("error"), in);
    }

    @Test
    void parallelToolCallsAssembleWithTheirOwnIdsNamesAndArguments() throws Exception {
        Map<String, Object> r = assembleOpenAi(TranslationGoldenTest.translateStream(
                TranslationGoldenTest.OPENAI_CLIENT, "stream/anthropic-to-openai/parallel-tool-calls-get-their-own-indexes.in.sse"));
        assertEquals(List.of("toolu_a get_weather {\"city\": \"Paris\"}", "toolu_b get_weather {\"city\": \"Rome\"}"),
                r.get("tool_calls"));
        assertEquals("Checking both.", r.get("content"));
        assertEquals("tool_calls", r.get("finish_reason"));
    }

    @Test
    void thinkingStaysOutOfTheAnswerText() throws Exception {
        Map<String, Object> r = assembleOpenAi(TranslationGoldenTest.translateStream(
                TranslationGoldenTest.OPENAI_CLIENT, "stream/anthropic-to-openai/thinking-as-reasoning-content.in.sse"));
        assertEquals("4", r.get("content"));
        assertEquals("The user wants 2+2.", r.get("reasoning"));
    }

    /** Assembles an Anthropic stream as the SDK's {@code finalMessage()} does, checking block discipline. */
    static Map<String, Object> assembleAnthropic(String sse) throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        List<String> blocks = new ArrayList<>();
        int open = -1;
        boolean stopped = false;
        List<SseEvent> events = new SseReader(1 << 20).feed(sse.getBytes(StandardCharsets.UTF_8));
        assertEquals("message_start", events.get(0).event());
        for (SseEvent e : events) {
            assertTrue(!stopped, "nothing after message_stop");
            JsonObject data = JsonParser.parseObject(e.data().getBytes(StandardCharsets.UTF_8));
            assertEquals(e.event(), str(data.get("type")), "event name matches data type");
            switch (e.event()) {
                case "content_block_start" -> {
                    assertEquals(-1, open, "one block open at a time");
                    open = Integer.parseInt(((JsonNumber) data.get("index")).text());
                    assertEquals(blocks.size(), open, "blocks are numbered 0, 1, 2, ...");
                    JsonObject b = obj(data.get("content_block"));
                    String type = str(b.get("type"));
                    blocks.add(type.equals("tool_use") ? "tool_use " + str(b.get("id")) + " " + str(b.get("name")) + " "
                            : type + " ");
                }
                case "content_block_delta" -> {
                    assertEquals(open, Integer.parseInt(((JsonNumber) data.get("index")).text()), "delta of the open block");
                    JsonObject d = obj(data.get("delta"));
                    String piece = switch (str(d.get("type"))) {
                        case "text_delta" -> str(d.get("text"));
                        case "thinking_delta" -> str(d.get("thinking"));
                        case "input_json_delta" -> str(d.get("partial_json"));
                        default -> throw new AssertionError(d);
                    };
                    blocks.set(open, blocks.get(open) + piece);
                }
                case "content_block_stop" -> {
                    assertEquals(open, Integer.parseInt(((JsonNumber) data.get("index")).text()));
                    open = -1;
                }
                case "message_delta" -> {
                    assertEquals(-1, open, "blocks close before message_delta");
                    result.put("stop_reason", str(obj(data.get("delta")).get("stop_reason")));
                    result.put("usage", data.get("usage"));
                }
                case "message_stop" -> stopped = true;
                case "error" -> result.put("error", str(obj(data.get("error")).get("message")));
                case "message_start" -> {
                }
                default -> throw new AssertionError(e);
            }
        }
        result.put("stopped", stopped);
        result.put("blocks", blocks);
        return result;
    }

    @ParameterizedTest
    @MethodSource("openAiStreams")
    void anthropicStreamsOpenAndCloseBlocksInOrderAndEndWithStopOrAnError(String in) throws Exception {
        Map<String, Object> r = assembleAnthropic(TranslationGoldenTest.translateStream(
                TranslationGoldenTest.ANTHROPIC_CLIENT, in));
        assertTrue((Boolean) r.get("stopped") ^ r.containsKey("error"), in + " " + r);
    }

    @Test
    void openAiToolCallFragmentsAssembleIntoToolUseBlocks() throws Exception {
        Map<String, Object> r = assembleAnthropic(TranslationGoldenTest.translateStream(
                TranslationGoldenTest.ANTHROPIC_CLIENT, "stream/openai-to-anthropic/parallel-tool-calls.in.sse"));
        assertEquals(List.of("tool_use call_a get_weather {\"city\": \"Paris\"}", "tool_use call_b get_weather {\"city\": \"Rome\"}"),
                r.get("blocks"));
        assertEquals("tool_use", r.get("stop_reason"));
        assertEquals(new JsonNumber("60"), ((JsonObject) r.get("usage")).get("output_tokens"));
    }

    @Test
    void reasoningBecomesAThinkingBlockBeforeTheText() throws Exception {
        Map<String, Object> r = assembleAnthropic(TranslationGoldenTest.translateStream(
                TranslationGoldenTest.ANTHROPIC_CLIENT, "stream/openai-to-anthropic/reasoning-then-text.in.sse"));
        assertEquals(List.of("thinking The user wants 2+2.", "text 4"), r.get("blocks"));
    }
}
