package llmproxy.protocol;

import llmproxy.json.JsonValue;
import llmproxy.json.JsonValue.JsonArray;
import llmproxy.json.JsonValue.JsonNull;
import llmproxy.json.JsonValue.JsonObject;
import llmproxy.json.JsonWriter;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * OpenAI {@code chat.completion.chunk}s as Anthropic Messages events: {@code message_start} first, then one
 * content block at a time - thinking (from {@code reasoning_content}), text, and one {@code tool_use} block
 * per tool-call index - each opened when its first delta arrives and closed when another begins, then
 * {@code message_delta} with the stop reason and the usage of the final usage chunk, and
 * {@code message_stop}. The stop reason is held until {@code [DONE]} because the usage chunk comes after it.
 */
final class OpenAiStreamToAnthropic implements StreamTranslator {
    private static final Expect X = Expect.UPSTREAM;

    private enum Block { NONE, TEXT, THINKING, TOOL }

    private final Set<Long> startedTools = new HashSet<>();
    private boolean started;
    private Block open = Block.NONE;
    private long openTool = -1;
    private int nextIndex;
    private String stopReason;
    private Usage usage = Usage.ZERO;
    private boolean ended;

    @Override
    public void onEvent(SseEvent event, Consumer<byte[]> out) throws TranslationException {
        if (ended) {
            return;
        }
        if (event.data().strip().equals("[DONE]")) {
            finish(out);
            return;
        }
        JsonObject chunk = AnthropicStreamToOpenAi.parse(event.data());
        JsonObject error = X.optObject(chunk, "error", "error");
        if (error != null) {
            String message = X.optString(error, "message", "error.message");
            onFailure(message != null ? message : "upstream stream error", out);
            return;
        }
        if (!started) {
            // Some OpenAI-compatible servers leave id or model out of chunks; the client still needs a message.
            String id = X.optString(chunk, "id", "id");
            String model = X.optString(chunk, "model", "model");
            start(id == null ? "" : id, model == null ? "" : model, out);
        }
        JsonObject u = X.optObject(chunk, "usage", "usage");
        if (u != null) {
            usage = Usage.fromOpenAi(u, "usage");
        }
        JsonArray choices = X.optArray(chunk, "choices", "choices");
        for (int i = 0; choices != null && i < choices.elements().size(); i++) {
            String p = "choices[" + i + "]";
            JsonObject choice = X.object(choices.elements().get(i), p);
            if (X.count(choice, "index", p + ".index") == 0) {
                choice(choice, p, out);
            }
        }
    }

    private void choice(JsonObject choice, String p, Consumer<byte[]> out) throws TranslationException {
        JsonObject delta = X.optObject(choice, "delta", p + ".delta");
        if (delta != null) {
            String reasoning = X.optString(delta, "reasoning_content", p + ".delta.reasoning_content");
            if (reasoning != null && !reasoning.isEmpty()) {
                openBlock(Block.THINKING, -1, JsonObject.builder().put("type", "thinking").put("thinking", "")
                        .put("signature", "").build(), out);
                blockDelta(JsonObject.builder().put("type", "thinking_delta").put("thinking", reasoning).build(), out);
            }
            for (String key : new String[] {"content", "refusal"}) {
                String text = X.optString(delta, key, p + ".delta." + key);
                if (text != null && !text.isEmpty()) {
                    openBlock(Block.TEXT, -1, Blocks.text(""), out);
                    blockDelta(JsonObject.builder().put("type", "text_delta").put("text", text).build(), out);
                }
            }
            JsonArray calls = X.optArray(delta, "tool_calls", p + ".delta.tool_calls");
            for (int j = 0; calls != null && j < calls.elements().size(); j++) {
                toolCall(X.object(calls.elements().get(j), p + ".delta.tool_calls[" + j + "]"),
                        p + ".delta.tool_calls[" + j + "]", out);
            }
        }
        String finish = X.optString(choice, "finish_reason", p + ".finish_reason");
        if (finish != null) {
            closeBlock(out);
            stopReason = StopReasons.toAnthropic(finish);
        }
    }

    private void toolCall(JsonObject call, String p, Consumer<byte[]> out) throws TranslationException {
        long index = X.count(call, "index", p + ".index");
        JsonObject fn = X.optObject(call, "function", p + ".function");
        if (open != Block.TOOL || openTool != index) {
            if (!startedTools.add(index)) {
                throw TranslationException.badUpstream("tool call " + index + " continued after another began");
            }
            String name = fn == null ? null : X.optString(fn, "name", p + ".function.name");
            if (name == null) {
                throw TranslationException.badUpstream("tool call " + index + " began without a function name");
            }
            openBlock(Block.TOOL, index, JsonObject.builder().put("type", "tool_use")
                    .put("id", X.requireString(call, "id", p + ".id")).put("name", name)
                    .put("input", JsonObject.builder().build()).build(), out);
        }
        String args = fn == null ? null : X.optString(fn, "arguments", p + ".function.arguments");
        if (args != null && !args.isEmpty()) {
            blockDelta(JsonObject.builder().put("type", "input_json_delta").put("partial_json", args).build(), out);
        }
    }

    private void start(String id, String model, Consumer<byte[]> out) {
        started = true;
        JsonObject message = JsonObject.builder()
                .put("id", id)
                .put("type", "message")
                .put("role", "assistant")
                .put("model", model)
                .put("content", JsonArray.of())
                .put("stop_reason", JsonNull.INSTANCE)
                .put("stop_sequence", JsonNull.INSTANCE)
                .put("usage", JsonObject.builder().put("input_tokens", 0).put("output_tokens", 0).build())
                .build();
        emit(out, "message_start", JsonObject.builder().put("message", message));
    }

    private void openBlock(Block kind, long tool, JsonObject block, Consumer<byte[]> out) {
        if (open == kind && (kind != Block.TOOL || openTool == tool)) {
            return;
        }
        closeBlock(out);
        open = kind;
        openTool = tool;
        emit(out, "content_block_start", JsonObject.builder().put("index", nextIndex).put("content_block", block));
    }

    private void blockDelta(JsonObject delta, Consumer<byte[]> out) {
        emit(out, "content_block_delta", JsonObject.builder().put("index", nextIndex).put("delta", delta));
    }

    private void closeBlock(Consumer<byte[]> out) {
        if (open != Block.NONE) {
            emit(out, "content_block_stop", JsonObject.builder().put("index", nextIndex));
            nextIndex++;
            open = Block.NONE;
            openTool = -1;
        }
    }

    private void finish(Consumer<byte[]> out) {
        if (!started) {
            start("", "", out);
        }
        closeBlock(out);
        JsonObject delta = JsonObject.builder()
                .put("stop_reason", stopReason != null ? stopReason : "end_turn")
                .put("stop_sequence", JsonNull.INSTANCE).build();
        emit(out, "message_delta", JsonObject.builder().put("delta", delta).put("usage", usage.toAnthropic()));
        emit(out, "message_stop", JsonObject.builder());
        ended = true;
    }

    @Override
    public boolean onEnd(Consumer<byte[]> out) {
        if (ended) {
            return true;
        }
        if (stopReason != null) {
            finish(out); // the answer is whole; only [DONE] went missing
            return true;
        }
        onFailure("upstream stream ended before the answer was complete", out);
        return false;
    }

    @Override
    public void onFailure(String message, Consumer<byte[]> out) {
        if (!ended) {
            JsonValue error = ErrorEnvelopes.anthropic("api_error", message);
            out.accept(SseWriter.event("error", JsonWriter.write(error)));
            ended = true;
        }
    }

    /** Writes an event whose data starts with its {@code type}, as Anthropic's do. */
    private static void emit(Consumer<byte[]> out, String type, JsonObject.Builder rest) {
        JsonObject body = rest.build();
        JsonObject.Builder data = JsonObject.builder().put("type", type);
        body.members().forEach(data::put);
        out.accept(SseWriter.event(type, JsonWriter.write(data.build())));
    }
}
