package llmproxy.protocol;

import llmproxy.json.JsonException;
import llmproxy.json.JsonParser;
import llmproxy.json.JsonValue;
import llmproxy.json.JsonValue.JsonArray;
import llmproxy.json.JsonValue.JsonNull;
import llmproxy.json.JsonValue.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * An OpenAI {@code chat.completion} as an Anthropic message: reasoning first as a thinking block, then the
 * text, then one {@code tool_use} block per tool call. Tool arguments that are not a JSON object fail
 * the answer rather than becoming {@code {}}.
 */
final class OpenAiResponseToAnthropic {
    private static final Expect X = Expect.UPSTREAM;

    private OpenAiResponseToAnthropic() {
        throw new AssertionError();
    }

    static JsonObject translate(JsonObject completion) throws TranslationException {
        JsonArray choices = X.optArray(completion, "choices", "choices");
        if (choices == null || choices.elements().isEmpty()) {
            throw TranslationException.badUpstream("no choices");
        }
        JsonObject choice = X.object(choices.elements().get(0), "choices[0]");
        JsonObject message = X.object(choice.get("message"), "choices[0].message");
        String p = "choices[0].message";
        List<JsonValue> content = new ArrayList<>();
        String reasoning = X.optString(message, "reasoning_content", p + ".reasoning_content");
        if (reasoning != null && !reasoning.isEmpty()) {
            content.add(JsonObject.builder().put("type", "thinking").put("thinking", reasoning).put("signature", "")
                    .build());
        }
        String text = X.optString(message, "content", p + ".content");
        if (text == null) {
            text = X.optString(message, "refusal", p + ".refusal");
        }
        if (text != null && !text.isEmpty()) {
            content.add(Blocks.text(text));
        }
        JsonArray calls = X.optArray(message, "tool_calls", p + ".tool_calls");
        for (int i = 0; calls != null && i < calls.elements().size(); i++) {
            content.add(toolUse(X.object(calls.elements().get(i), p + ".tool_calls[" + i + "]"),
                    p + ".tool_calls[" + i + "]"));
        }
        JsonObject usage = X.optObject(completion, "usage", "usage");
        return JsonObject.builder()
                .put("id", X.requireString(completion, "id", "id"))
                .put("type", "message")
                .put("role", "assistant")
                .put("model", X.requireString(completion, "model", "model"))
                .put("content", new JsonArray(content))
                .put("stop_reason", StopReasons.toAnthropic(X.optString(choice, "finish_reason",
                        "choices[0].finish_reason")))
                .put("stop_sequence", JsonNull.INSTANCE)
                .put("usage", (usage == null ? Usage.ZERO : Usage.fromOpenAi(usage, "usage")).toAnthropic())
                .build();
    }

    static JsonObject toolUse(JsonObject call, String path) throws TranslationException {
        JsonObject fn = X.object(call.get("function"), path + ".function");
        return JsonObject.builder().put("type", "tool_use")
                .put("id", X.requireString(call, "id", path + ".id"))
                .put("name", X.requireString(fn, "name", path + ".function.name"))
                .put("input", arguments(X.requireString(fn, "arguments", path + ".function.arguments"),
                        path + ".function.arguments"))
                .build();
    }

    static JsonObject arguments(String arguments, String path) throws TranslationException {
        try {
            if (JsonParser.parse(arguments) instanceof JsonObject o) {
                return o;
            }
        } catch (JsonException e) {
            throw TranslationException.badUpstream(path + " is not valid JSON: " + e.getMessage());
        }
        throw TranslationException.badUpstream(path + " is not a JSON object");
    }
}
