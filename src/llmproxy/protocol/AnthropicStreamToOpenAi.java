package llmproxy.protocol;

import llmproxy.json.JsonException;
import llmproxy.json.JsonParser;
import llmproxy.json.JsonValue;
import llmproxy.json.JsonValue.JsonArray;
import llmproxy.json.JsonValue.JsonNull;
import llmproxy.json.JsonValue.JsonObject;
import llmproxy.json.JsonValue.JsonString;
import llmproxy.json.JsonWriter;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Anthropic Messages events as OpenAI {@code chat.completion.chunk}s. Each {@code tool_use} block gets
 * its own running {@code tool_calls} index (0, 1, ...), not the Anthropic block index, which also counts
 * text and thinking blocks. Output tokens in {@code message_delta} are cumulative, so they are set, never
 * added.
 */
final class AnthropicStreamToOpenAi implements StreamTranslator {
    private static final Expect X = Expect.UPSTREAM;

    private final boolean includeUsage;
    private final long created;
    private final Map<Long, Integer> toolIndexByBlock = new HashMap<>();
    private String id = "";
    private String model = "";
    private Usage usage = Usage.ZERO;
    private boolean finished;
    private boolean ended;

    AnthropicStreamToOpenAi(boolean includeUsage, long created) {
        this.includeUsage = includeUsage;
        this.created = created;
    }

    @Override
    public void onEvent(SseEvent event, Consumer<byte[]> out) throws TranslationException {
        if (ended) {
            return;
        }
        JsonObject data = parse(event.data());
        String type = X.optString(data, "type", "type");
        if (type == null) {
            type = event.event() == null ? "" : event.event();
        }
        switch (type) {
            case "message_start" -> {
                JsonObject message = X.object(data.get("message"), "message");
                id = X.requireString(message, "id", "message.id");
                model = X.requireString(message, "model", "message.model");
                JsonObject u = X.optObject(message, "usage", "message.usage");
                if (u != null) {
                    usage = Usage.fromAnthropic(u, "message.usage");
                }
                chunk(out, JsonObject.builder().put("role", "assistant").put("content", "").build(), null);
            }
            case "content_block_start" -> blockStart(data, out);
            case "content_block_delta" -> blockDelta(data, out);
            case "message_delta" -> {
                JsonObject u = X.optObject(data, "usage", "usage");
                if (u != null) {
                    usage = merge(usage, u);
                }
                JsonObject delta = X.object(data.get("delta"), "delta");
                finished = true;
                chunk(out, JsonObject.builder().build(),
                        StopReasons.toOpenAi(X.optString(delta, "stop_reason", "delta.stop_reason")));
            }
            case "message_stop" -> stop(out);
            case "error" -> {
                out.accept(sse(ErrorEnvelopes.anthropicEventToOpenAi(data)));
                ended = true;
            }
            default -> {
                // ping, content_block_stop and event types added later carry nothing for the client.
            }
        }
    }

    private void blockStart(JsonObject data, Consumer<byte[]> out) throws TranslationException {
        long index = X.count(data, "index", "index");
        JsonObject block = X.object(data.get("content_block"), "content_block");
        switch (X.requireString(block, "type", "content_block.type")) {
            case "text" -> {
                String text = X.optString(block, "text", "content_block.text");
                if (text != null && !text.isEmpty()) {
                    chunk(out, JsonObject.builder().put("content", text).build(), null);
                }
            }
            case "thinking" -> {
                String thinking = X.optString(block, "thinking", "content_block.thinking");
                if (thinking != null && !thinking.isEmpty()) {
                    chunk(out, JsonObject.builder().put("reasoning_content", thinking).build(), null);
                }
            }
            case "tool_use" -> {
                int toolIndex = toolIndexByBlock.size();
                toolIndexByBlock.put(index, toolIndex);
                JsonObject call = JsonObject.builder()
                        .put("index", toolIndex)
                        .put("id", X.requireString(block, "id", "content_block.id"))
                        .put("type", "function")
                        .put("function", JsonObject.builder()
                                .put("name", X.requireString(block, "name", "content_block.name"))
                                .put("arguments", "").build())
                        .build();
                chunk(out, JsonObject.builder().put("tool_calls", JsonArray.of(call)).build(), null);
            }
            default -> {
                // redacted_thinking and server-tool blocks have no OpenAI form.
            }
        }
    }

    private void blockDelta(JsonObject data, Consumer<byte[]> out) throws TranslationException {
        long index = X.count(data, "index", "index");
        JsonObject delta = X.object(data.get("delta"), "delta");
        switch (X.requireString(delta, "type", "delta.type")) {
            case "text_delta" -> chunk(out, JsonObject.builder()
                    .put("content", X.requireString(delta, "text", "delta.text")).build(), null);
            case "thinking_delta" -> chunk(out, JsonObject.builder()
                    .put("reasoning_content", X.requireString(delta, "thinking", "delta.thinking")).build(), null);
            case "input_json_delta" -> {
                Integer toolIndex = toolIndexByBlock.get(index);
                if (toolIndex == null) {
                    throw TranslationException.badUpstream("input_json_delta for block " + index
                            + ", which is not a tool_use block");
                }
                String partial = X.requireString(delta, "partial_json", "delta.partial_json");
                if (!partial.isEmpty()) {
                    JsonObject call = JsonObject.builder().put("index", toolIndex.intValue())
                            .put("function", JsonObject.builder().put("arguments", partial).build()).build();
                    chunk(out, JsonObject.builder().put("tool_calls", JsonArray.of(call)).build(), null);
                }
            }
            default -> {
                // signature_delta and citations_delta have no OpenAI form.
            }
        }
    }

    /** Cumulative counts replace earlier ones; counts absent from this event keep their value. */
    private static Usage merge(Usage before, JsonObject u) throws TranslationException {
        Usage now = Usage.fromAnthropic(u, "usage");
        return new Usage(u.get("input_tokens") == null ? before.input() : now.input(),
                u.get("cache_read_input_tokens") == null ? before.cacheRead() : now.cacheRead(),
                u.get("cache_creation_input_tokens") == null ? before.cacheCreation() : now.cacheCreation(),
                u.get("output_tokens") == null ? before.output() : now.output());
    }

    @Override
    public boolean onEnd(Consumer<byte[]> out) {
        if (ended) {
            return true;
        }
        if (finished) {
            stop(out); // the answer is whole; only message_stop went missing
            return true;
        }
        onFailure("upstream stream ended before the answer was complete", out);
        return false;
    }

    private void stop(Consumer<byte[]> out) {
        if (includeUsage) {
            out.accept(sse(base().put("choices", JsonArray.of()).put("usage", usage.toOpenAi()).build()));
        }
        out.accept(SseWriter.data("[DONE]"));
        ended = true;
    }

    @Override
    public void onFailure(String message, Consumer<byte[]> out) {
        if (!ended) {
            out.accept(sse(ErrorEnvelopes.openAi(message, "api_error", null, null)));
            ended = true;
        }
    }

    private void chunk(Consumer<byte[]> out, JsonObject delta, String finishReason) {
        JsonObject choice = JsonObject.builder()
                .put("index", 0)
                .put("delta", delta)
                .put("logprobs", JsonNull.INSTANCE)
                .put("finish_reason", finishReason == null ? JsonNull.INSTANCE : new JsonString(finishReason))
                .build();
        out.accept(sse(base().put("choices", JsonArray.of(choice)).build()));
    }

    private JsonObject.Builder base() {
        return JsonObject.builder().put("id", id).put("object", "chat.completion.chunk").put("created", created)
                .put("model", model);
    }

    private static byte[] sse(JsonValue v) {
        return SseWriter.data(JsonWriter.write(v));
    }

    static JsonObject parse(String data) throws TranslationException {
        try {
            return JsonParser.parseObject(data.getBytes(StandardCharsets.UTF_8));
        } catch (JsonException e) {
            throw TranslationException.badUpstream("event data is not a JSON object: " + e.getMessage());
        }
    }
}
