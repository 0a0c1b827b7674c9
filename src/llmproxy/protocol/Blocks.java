package llmproxy.protocol;

import llmproxy.json.JsonValue.JsonObject;
import llmproxy.json.JsonWriter;

/** Content pieces every translation direction builds alike. */
final class Blocks {
    private Blocks() {
        throw new AssertionError();
    }

    /** A text block (Anthropic) or text part (OpenAI): both dialects spell it the same. */
    static JsonObject text(String text) {
        return JsonObject.builder().put("type", "text").put("text", text).build();
    }

    /** An Anthropic {@code tool_use} block at {@code path} as an OpenAI tool call. */
    static JsonObject openAiToolCall(Expect x, JsonObject toolUse, String path) throws TranslationException {
        return JsonObject.builder()
                .put("id", x.requireString(toolUse, "id", path + ".id"))
                .put("type", "function")
                .put("function", JsonObject.builder()
                        .put("name", x.requireString(toolUse, "name", path + ".name"))
                        .put("arguments", JsonWriter.write(x.object(toolUse.get("input"), path + ".input")))
                        .build())
                .build();
    }
}
