package llmproxy.protocol;

import llmproxy.json.JsonValue;
import llmproxy.json.JsonValue.JsonArray;
import llmproxy.json.JsonValue.JsonNull;
import llmproxy.json.JsonValue.JsonObject;
import llmproxy.json.JsonValue.JsonString;

import java.util.ArrayList;
import java.util.List;

/** An Anthropic message as an OpenAI {@code chat.completion}; ids are kept, thinking stays apart from text. */
final class AnthropicResponseToOpenAi {
    private static final Expect X = Expect.UPSTREAM;

    private AnthropicResponseToOpenAi() {
        throw new AssertionError();
    }

    static JsonObject translate(JsonObject msg, long created) throws TranslationException {
        JsonArray content = X.optArray(msg, "content", "content");
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        List<JsonValue> calls = new ArrayList<>();
        boolean hasText = false;
        boolean hasReasoning = false;
        for (int i = 0; content != null && i < content.elements().size(); i++) {
            String p = "content[" + i + "]";
            JsonObject b = X.object(content.elements().get(i), p);
            switch (X.requireString(b, "type", p + ".type")) {
                case "text" -> {
                    text.append(X.requireString(b, "text", p + ".text"));
                    hasText = true;
                }
                case "thinking" -> {
                    reasoning.append(X.requireString(b, "thinking", p + ".thinking"));
                    hasReasoning = true;
                }
                case "tool_use" -> calls.add(Blocks.openAiToolCall(X, b, p));
                default -> {
                    // redacted_thinking and server-tool blocks have no OpenAI form.
                }
            }
        }
        JsonObject.Builder message = JsonObject.builder().put("role", "assistant")
                .put("content", hasText ? new JsonString(text.toString()) : JsonNull.INSTANCE);
        if (hasReasoning) {
            message.put("reasoning_content", reasoning.toString());
        }
        if (!calls.isEmpty()) {
            message.put("tool_calls", new JsonArray(calls));
        }
        JsonObject choice = JsonObject.builder()
                .put("index", 0)
                .put("message", message.build())
                .put("logprobs", JsonNull.INSTANCE)
                .put("finish_reason", StopReasons.toOpenAi(X.optString(msg, "stop_reason", "stop_reason")))
                .build();
        JsonObject usage = X.optObject(msg, "usage", "usage");
        return JsonObject.builder()
                .put("id", X.requireString(msg, "id", "id"))
                .put("object", "chat.completion")
                .put("created", created)
                .put("model", X.requireString(msg, "model", "model"))
                .put("choices", JsonArray.of(choice))
                .put("usage", (usage == null ? Usage.ZERO : Usage.fromAnthropic(usage, "usage")).toOpenAi())
                .build();
    }
}
