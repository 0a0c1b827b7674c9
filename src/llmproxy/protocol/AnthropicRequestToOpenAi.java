package llmproxy.protocol;

import llmproxy.json.JsonValue;
import llmproxy.json.JsonValue.JsonArray;
import llmproxy.json.JsonValue.JsonNull;
import llmproxy.json.JsonValue.JsonObject;
import llmproxy.json.JsonValue.JsonString;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An Anthropic Messages request body as an OpenAI chat-completions request body. A user turn's
 * {@code tool_result} blocks become {@code tool} messages placed before the rest of that turn, since
 * OpenAI wants them directly after the assistant message that called the tools. Streams ask for
 * {@code stream_options.include_usage} so the client's final usage is real.
 */
final class AnthropicRequestToOpenAi {
    private static final Expect X = Expect.CLIENT;

    private AnthropicRequestToOpenAi() {
        throw new AssertionError();
    }

    static JsonObject translate(JsonObject req, String upstreamModel) throws TranslationException {
        for (Map.Entry<String, JsonValue> e : req.members().entrySet()) {
            ParameterPolicy.towardOpenAi(e.getKey(), e.getValue());
        }
        List<JsonValue> messages = new ArrayList<>();
        String system = system(req.get("system"));
        if (system != null) {
            messages.add(JsonObject.builder().put("role", "system").put("content", system).build());
        }
        JsonArray in = X.array(req.get("messages"), "messages");
        for (int i = 0; i < in.elements().size(); i++) {
            String p = "messages[" + i + "]";
            message(X.object(in.elements().get(i), p), p, messages);
        }
        JsonArray tools = tools(req);
        JsonObject.Builder out = JsonObject.builder()
                .put("model", upstreamModel)
                .put("messages", new JsonArray(messages))
                .put("tools", tools);
        toolChoice(req, tools != null, out);
        out.put("max_completion_tokens", X.optNumber(req, "max_tokens", "max_tokens"));
        JsonArray stop = X.optArray(req, "stop_sequences", "stop_sequences");
        if (stop != null && !stop.elements().isEmpty()) {
            out.put("stop", X.strings(stop, "stop_sequences"));
        }
        out.put("temperature", X.optNumber(req, "temperature", "temperature"))
                .put("top_p", X.optNumber(req, "top_p", "top_p"));
        JsonObject metadata = X.optObject(req, "metadata", "metadata");
        if (metadata != null) {
            out.put("user", X.optString(metadata, "user_id", "metadata.user_id"));
        }
        if (Boolean.TRUE.equals(X.optBool(req, "stream", "stream"))) {
            out.put("stream", true).put("stream_options", JsonObject.builder().put("include_usage", true).build());
        }
        return out.build();
    }

    /** Anthropic's system prompt (a string or text blocks) as one text, blocks joined by blank lines. */
    private static String system(JsonValue v) throws TranslationException {
        if (Expect.absent(v)) {
            return null;
        }
        if (v instanceof JsonString s) {
            return s.value();
        }
        JsonArray blocks = X.array(v, "system");
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < blocks.elements().size(); i++) {
            String p = "system[" + i + "]";
            JsonObject b = X.object(blocks.elements().get(i), p);
            String type = X.requireString(b, "type", p + ".type");
            if (!type.equals("text")) {
                throw TranslationException.unsupported(p + ".type", "system block '" + type + "'");
            }
            texts.add(X.requireString(b, "text", p + ".text"));
        }
        return texts.isEmpty() ? null : String.join("\n\n", texts);
    }

    private static void message(JsonObject m, String path, List<JsonValue> out) throws TranslationException {
        String role = X.requireString(m, "role", path + ".role");
        JsonValue content = m.get("content");
        if (!role.equals("user") && !role.equals("assistant")) {
            throw X.wrong(path + ".role", "user or assistant");
        }
        if (content instanceof JsonString s) {
            out.add(JsonObject.builder().put("role", role).put("content", s).build());
            return;
        }
        JsonArray blocks = X.array(content, path + ".content");
        if (role.equals("user")) {
            user(blocks, path + ".content", out);
        } else {
            assistant(blocks, path + ".content", out);
        }
    }

    private static void user(JsonArray blocks, String path, List<JsonValue> out) throws TranslationException {
        List<JsonValue> parts = new ArrayList<>();
        for (int j = 0; j < blocks.elements().size(); j++) {
            String p = path + "[" + j + "]";
            JsonObject b = X.object(blocks.elements().get(j), p);
            String type = X.requireString(b, "type", p + ".type");
            switch (type) {
                case "text" -> parts.add(Blocks.text(X.requireString(b, "text", p + ".text")));
                case "image" -> parts.add(Images.toOpenAi(b, p));
                case "tool_result" -> out.add(JsonObject.builder().put("role", "tool")
                        .put("tool_call_id", X.requireString(b, "tool_use_id", p + ".tool_use_id"))
                        .put("content", toolResultContent(b.get("content"), p + ".content")).build());
                default -> throw TranslationException.unsupported(p + ".type",
                        "content block '" + type + "' cannot be sent to this backend");
            }
        }
        if (parts.isEmpty()) {
            return;
        }
        JsonValue content = parts.size() == 1 && parts.get(0) instanceof JsonObject only
                && only.get("type").equals(new JsonString("text")) ? only.get("text") : new JsonArray(parts);
        out.add(JsonObject.builder().put("role", "user").put("content", content).build());
    }

    private static JsonValue toolResultContent(JsonValue v, String path) throws TranslationException {
        if (Expect.absent(v)) {
            return new JsonString("");
        }
        if (v instanceof JsonString s) {
            return s;
        }
        JsonArray blocks = X.array(v, path);
        List<JsonValue> parts = new ArrayList<>();
        for (int k = 0; k < blocks.elements().size(); k++) {
            String p = path + "[" + k + "]";
            JsonObject b = X.object(blocks.elements().get(k), p);
            String type = X.requireString(b, "type", p + ".type");
            if (!type.equals("text")) {
                throw TranslationException.unsupported(p + ".type",
                        "a tool result of '" + type + "' cannot be sent to this backend");
            }
            parts.add(Blocks.text(X.requireString(b, "text", p + ".text")));
        }
        if (parts.size() == 1) {
            return ((JsonObject) parts.get(0)).get("text");
        }
        return new JsonArray(parts);
    }

    private static void assistant(JsonArray blocks, String path, List<JsonValue> out) throws TranslationException {
        StringBuilder text = new StringBuilder();
        List<JsonValue> calls = new ArrayList<>();
        for (int j = 0; j < blocks.elements().size(); j++) {
            String p = path + "[" + j + "]";
            JsonObject b = X.object(blocks.elements().get(j), p);
            String type = X.requireString(b, "type", p + ".type");
            switch (type) {
                case "text" -> text.append(X.requireString(b, "text", p + ".text"));
                // Earlier reasoning is not an input OpenAI accepts; the answer does not depend on it.
                case "thinking", "redacted_thinking" -> {
                }
                case "tool_use" -> calls.add(Blocks.openAiToolCall(X, b, p));
                default -> throw TranslationException.unsupported(p + ".type",
                        "content block '" + type + "' cannot be sent to this backend");
            }
        }
        JsonObject.Builder msg = JsonObject.builder().put("role", "assistant");
        if (text.isEmpty() && !calls.isEmpty()) {
            msg.put("content", JsonNull.INSTANCE);
        } else {
            msg.put("content", text.toString());
        }
        if (!calls.isEmpty()) {
            msg.put("tool_calls", new JsonArray(calls));
        }
        out.add(msg.build());
    }

    private static JsonArray tools(JsonObject req) throws TranslationException {
        JsonArray tools = X.optArray(req, "tools", "tools");
        if (tools == null || tools.elements().isEmpty()) {
            return null;
        }
        List<JsonValue> out = new ArrayList<>();
        for (int i = 0; i < tools.elements().size(); i++) {
            String p = "tools[" + i + "]";
            JsonObject tool = X.object(tools.elements().get(i), p);
            String type = X.optString(tool, "type", p + ".type");
            if (type != null && !type.equals("custom")) {
                throw TranslationException.unsupported(p + ".type",
                        "server tool '" + type + "' cannot be run by this backend");
            }
            out.add(JsonObject.builder().put("type", "function").put("function", JsonObject.builder()
                    .put("name", X.requireString(tool, "name", p + ".name"))
                    .put("description", X.optString(tool, "description", p + ".description"))
                    .put("parameters", X.object(tool.get("input_schema"), p + ".input_schema"))
                    .build()).build());
        }
        return new JsonArray(out);
    }

    private static void toolChoice(JsonObject req, boolean hasTools, JsonObject.Builder out)
            throws TranslationException {
        JsonObject choice = X.optObject(req, "tool_choice", "tool_choice");
        if (choice == null) {
            return;
        }
        String type = X.requireString(choice, "type", "tool_choice.type");
        out.put("tool_choice", switch (type) {
            case "auto" -> new JsonString("auto");
            case "any" -> new JsonString("required");
            case "none" -> new JsonString("none");
            case "tool" -> JsonObject.builder().put("type", "function").put("function", JsonObject.builder()
                    .put("name", X.requireString(choice, "name", "tool_choice.name")).build()).build();
            default -> throw X.wrong("tool_choice.type", "auto, any, none or tool");
        });
        if (hasTools && Boolean.TRUE.equals(X.optBool(choice, "disable_parallel_tool_use",
                "tool_choice.disable_parallel_tool_use"))) {
            out.put("parallel_tool_calls", false);
        }
    }
}
