package llmproxy.protocol;

import llmproxy.json.JsonException;
import llmproxy.json.JsonParser;
import llmproxy.json.JsonValue;
import llmproxy.json.JsonValue.JsonArray;
import llmproxy.json.JsonValue.JsonNumber;
import llmproxy.json.JsonValue.JsonObject;
import llmproxy.json.JsonValue.JsonString;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An OpenAI chat-completions request body as an Anthropic Messages request body. Anthropic needs strictly
 * alternating user/assistant turns with {@code tool_result} blocks first in the user turn after the tool
 * call, so consecutive messages of one role merge and {@code tool} messages gather into one user turn.
 */
final class OpenAiRequestToAnthropic {
    private static final Expect X = Expect.CLIENT;

    private OpenAiRequestToAnthropic() {
        throw new AssertionError();
    }

    /** A turn being built; {@code toolResults} counts the leading tool_result blocks. */
    private static final class Turn {
        final String role;
        final List<JsonValue> blocks = new ArrayList<>();
        int toolResults;

        Turn(String role) {
            this.role = role;
        }
    }

    static JsonObject translate(JsonObject req, String upstreamModel, int defaultMaxTokens)
            throws TranslationException {
        for (Map.Entry<String, JsonValue> e : req.members().entrySet()) {
            ParameterPolicy.towardAnthropic(e.getKey(), e.getValue());
        }
        JsonNumber maxTokens = X.optNumber(req, "max_completion_tokens", "max_completion_tokens");
        if (maxTokens == null) {
            maxTokens = X.optNumber(req, "max_tokens", "max_tokens");
        }
        JsonArray messages = X.array(req.get("messages"), "messages");
        List<JsonValue> system = new ArrayList<>();
        List<Turn> turns = new ArrayList<>();
        for (int i = 0; i < messages.elements().size(); i++) {
            message(X.object(messages.elements().get(i), "messages[" + i + "]"), "messages[" + i + "]", system, turns);
        }
        List<JsonValue> anthropicMessages = new ArrayList<>();
        for (Turn t : turns) {
            anthropicMessages.add(JsonObject.builder().put("role", t.role).put("content", new JsonArray(t.blocks)).build());
        }
        JsonArray tools = tools(req);
        JsonObject.Builder out = JsonObject.builder()
                .put("model", upstreamModel)
                .put("max_tokens", maxTokens != null ? maxTokens : JsonNumber.of(defaultMaxTokens))
                .put("system", system.isEmpty() ? null : new JsonArray(system))
                .put("messages", new JsonArray(anthropicMessages))
                .put("tools", tools)
                .put("tool_choice", toolChoice(req, tools != null))
                .put("stop_sequences", stop(req))
                .put("temperature", X.optNumber(req, "temperature", "temperature"))
                .put("top_p", X.optNumber(req, "top_p", "top_p"))
                .put("top_k", X.optNumber(req, "top_k", "top_k"));
        String user = X.optString(req, "user", "user");
        if (user != null) {
            out.put("metadata", JsonObject.builder().put("user_id", user).build());
        }
        Boolean stream = X.optBool(req, "stream", "stream");
        if (stream != null) {
            out.put("stream", stream.booleanValue());
        }
        return out.build();
    }

    private static void message(JsonObject m, String path, List<JsonValue> system, List<Turn> turns)
            throws TranslationException {
        String role = X.requireString(m, "role", path + ".role");
        switch (role) {
            case "system", "developer" -> {
                for (String text : texts(m.get("content"), path + ".content")) {
                    if (!text.isEmpty()) {
                        system.add(Blocks.text(text));
                    }
                }
            }
            case "user" -> turn(turns, "user").blocks.addAll(userContent(m.get("content"), path + ".content"));
            case "assistant" -> {
                List<JsonValue> blocks = new ArrayList<>();
                for (String text : texts(m.get("content"), path + ".content")) {
                    if (!text.isEmpty()) {
                        blocks.add(Blocks.text(text));
                    }
                }
                if (!Expect.absent(m.get("audio"))) {
                    throw TranslationException.unsupported(path + ".audio", "this backend takes no audio");
                }
                JsonArray calls = X.optArray(m, "tool_calls", path + ".tool_calls");
                if (calls != null) {
                    for (int j = 0; j < calls.elements().size(); j++) {
                        blocks.add(toolUse(calls.elements().get(j), path + ".tool_calls[" + j + "]"));
                    }
                }
                if (!blocks.isEmpty()) {
                    turn(turns, "assistant").blocks.addAll(blocks);
                }
            }
            case "tool" -> {
                String id = X.requireString(m, "tool_call_id", path + ".tool_call_id");
                JsonValue content = m.get("content");
                JsonValue resultContent;
                if (content instanceof JsonString s) {
                    resultContent = s;
                } else {
                    List<JsonValue> blocks = new ArrayList<>();
                    for (String t : texts(content, path + ".content")) {
                        blocks.add(Blocks.text(t));
                    }
                    resultContent = new JsonArray(blocks);
                }
                Turn t = turn(turns, "user");
                t.blocks.add(t.toolResults++, JsonObject.builder().put("type", "tool_result").put("tool_use_id", id)
                        .put("content", resultContent).build());
            }
            default -> throw TranslationException.unsupported(path + ".role",
                    "role '" + role + "' cannot be sent to this backend");
        }
    }

    /** The last turn when it has this role, else a new one: Anthropic turns must alternate. */
    private static Turn turn(List<Turn> turns, String role) {
        if (!turns.isEmpty() && turns.get(turns.size() - 1).role.equals(role)) {
            return turns.get(turns.size() - 1);
        }
        Turn t = new Turn(role);
        turns.add(t);
        return t;
    }

    /** The texts of a string or of an array of text (or refusal) parts. */
    private static List<String> texts(JsonValue content, String path) throws TranslationException {
        if (Expect.absent(content)) {
            return List.of();
        }
        if (content instanceof JsonString s) {
            return List.of(s.value());
        }
        JsonArray parts = X.array(content, path);
        List<String> texts = new ArrayList<>();
        for (int j = 0; j < parts.elements().size(); j++) {
            String p = path + "[" + j + "]";
            JsonObject part = X.object(parts.elements().get(j), p);
            String type = X.requireString(part, "type", p + ".type");
            switch (type) {
                case "text" -> texts.add(X.requireString(part, "text", p + ".text"));
                case "refusal" -> texts.add(X.requireString(part, "refusal", p + ".refusal"));
                default -> throw TranslationException.unsupported(p + ".type",
                        "content part '" + type + "' cannot be sent to this backend here");
            }
        }
        return texts;
    }

    private static List<JsonValue> userContent(JsonValue content, String path) throws TranslationException {
        if (content instanceof JsonString s) {
            return List.of(Blocks.text(s.value()));
        }
        JsonArray parts = X.array(content, path);
        List<JsonValue> blocks = new ArrayList<>();
        for (int j = 0; j < parts.elements().size(); j++) {
            String p = path + "[" + j + "]";
            JsonObject part = X.object(parts.elements().get(j), p);
            String type = X.requireString(part, "type", p + ".type");
            switch (type) {
                case "text" -> blocks.add(Blocks.text(X.requireString(part, "text", p + ".text")));
                case "image_url" -> {
                    JsonValue image = part.get("image_url");
                    String url = image instanceof JsonString s ? s.value()
                            : X.requireString(X.object(image, p + ".image_url"), "url", p + ".image_url.url");
                    blocks.add(Images.toAnthropic(url, p + ".image_url.url"));
                }
                default -> throw TranslationException.unsupported(p + ".type",
                        "content part '" + type + "' cannot be sent to this backend");
            }
        }
        return blocks;
    }

    private static JsonObject toolUse(JsonValue v, String path) throws TranslationException {
        JsonObject call = X.object(v, path);
        String type = X.optString(call, "type", path + ".type");
        if (type != null && !type.equals("function")) {
            throw TranslationException.unsupported(path + ".type", "tool call type '" + type + "'");
        }
        JsonObject fn = X.object(call.get("function"), path + ".function");
        String args = X.requireString(fn, "arguments", path + ".function.arguments");
        JsonValue input;
        try {
            input = JsonParser.parse(args);
        } catch (JsonException e) {
            throw new TranslationException(400, "invalid_tool_arguments", path + ".function.arguments",
                    path + ".function.arguments is not valid JSON: " + e.getMessage());
        }
        if (!(input instanceof JsonObject)) {
            throw new TranslationException(400, "invalid_tool_arguments", path + ".function.arguments",
                    path + ".function.arguments must be a JSON object");
        }
        return JsonObject.builder().put("type", "tool_use")
                .put("id", X.requireString(call, "id", path + ".id"))
                .put("name", X.requireString(fn, "name", path + ".function.name"))
                .put("input", input).build();
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
            String type = X.requireString(tool, "type", p + ".type");
            if (!type.equals("function")) {
                throw TranslationException.unsupported(p + ".type", "tool type '" + type + "'");
            }
            JsonObject fn = X.object(tool.get("function"), p + ".function");
            JsonObject schema = X.optObject(fn, "parameters", p + ".function.parameters");
            out.add(JsonObject.builder()
                    .put("name", X.requireString(fn, "name", p + ".function.name"))
                    .put("description", X.optString(fn, "description", p + ".function.description"))
                    .put("input_schema", schema != null ? schema : JsonObject.builder().put("type", "object")
                            .put("properties", JsonObject.builder().build()).build())
                    .build());
        }
        return new JsonArray(out);
    }

    private static JsonObject toolChoice(JsonObject req, boolean hasTools) throws TranslationException {
        JsonValue v = req.get("tool_choice");
        String type = null;
        String name = null;
        if (v instanceof JsonString s) {
            type = switch (s.value()) {
                case "auto" -> "auto";
                case "none" -> "none";
                case "required" -> "any";
                default -> throw X.wrong("tool_choice", "auto, none, required or a function");
            };
        } else if (!Expect.absent(v)) {
            JsonObject o = X.object(v, "tool_choice");
            String kind = X.requireString(o, "type", "tool_choice.type");
            if (!kind.equals("function")) {
                throw TranslationException.unsupported("tool_choice.type", "tool choice '" + kind + "'");
            }
            type = "tool";
            name = X.requireString(X.object(o.get("function"), "tool_choice.function"), "name",
                    "tool_choice.function.name");
        }
        boolean serial = Boolean.FALSE.equals(X.optBool(req, "parallel_tool_calls", "parallel_tool_calls"))
                && hasTools && !"none".equals(type);
        if (serial && type == null) {
            type = "auto";
        }
        if (type == null) {
            return null;
        }
        JsonObject.Builder choice = JsonObject.builder().put("type", type).put("name", name);
        if (serial) {
            choice.put("disable_parallel_tool_use", true);
        }
        return choice.build();
    }

    private static JsonArray stop(JsonObject req) throws TranslationException {
        JsonValue v = req.get("stop");
        if (Expect.absent(v)) {
            return null;
        }
        if (v instanceof JsonString s) {
            return JsonArray.of(s);
        }
        JsonArray a = X.strings(X.array(v, "stop"), "stop");
        return a.elements().isEmpty() ? null : a;
    }
}
