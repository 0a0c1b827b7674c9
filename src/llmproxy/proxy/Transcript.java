package llmproxy.proxy;

import llmproxy.json.JsonException;
import llmproxy.json.JsonParser;
import llmproxy.json.JsonStrings;
import llmproxy.json.JsonValue;
import llmproxy.json.JsonValue.JsonArray;
import llmproxy.json.JsonValue.JsonNumber;
import llmproxy.json.JsonValue.JsonObject;
import llmproxy.json.JsonValue.JsonString;
import llmproxy.protocol.Dialect;
import llmproxy.protocol.SseEvent;
import llmproxy.protocol.SseException;
import llmproxy.protocol.SseReader;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What one streamed chat answer has said so far, in one dialect (OpenAI chat-completions or Anthropic messages
 * SSE): the text, the ids and indexes its events carry, whether it strayed from plain text (a tool call) and how
 * it ended. Kept only when {@code fallback.resume_streams} is on, so a stream that breaks can be continued by
 * another backend and spliced into the same client stream; {@link #relay} also drops single malformed events.
 */
final class Transcript {
    /** More malformed events than this in one stream: the stream is broken, not noisy. */
    static final int MAX_MALFORMED = 3;
    static final int MAX_EVENT_BYTES = 1 << 20;

    /** The stream cannot go on as it is; {@code getMessage()} says why, {@code before} what still goes out. */
    static final class Broken extends Exception {
        private static final long serialVersionUID = 1L;
        final transient byte[] before;

        Broken(String reason) {
            this(reason, new byte[0]);
        }

        Broken(String reason, byte[] before) {
            super(reason, null, false, false);
            this.before = before;
        }
    }

    private final Dialect dialect;
    private final SseReader reader = new SseReader(MAX_EVENT_BYTES);
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(256);
    private final StringBuilder text = new StringBuilder();
    private String id;
    private String model;
    private String created;
    private long choice = -1;
    private long block = -1;
    private boolean blockOpen;
    private boolean toolCall;
    private boolean notPlainText;
    private String finish;
    private boolean terminated;
    private String error;
    private long inputTokens;
    private long outputTokens;
    private long textEvents;
    private int malformed;
    private String firstMalformed;

    Transcript(Dialect dialect) {
        this.dialect = dialect;
    }

    /**
     * Takes the next bytes of the upstream stream and returns those to pass on: every complete, well-formed event
     * byte for byte; a malformed one is dropped (up to {@link #MAX_MALFORMED}); a partial event waits for its end.
     */
    byte[] relay(byte[] bytes, int off, int len) throws Broken {
        pending.write(bytes, off, len);
        byte[] buf = pending.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream(buf.length);
        int start = 0;
        int end;
        while ((end = SseEvents.end(buf, start)) > 0) {
            boolean take;
            try {
                take = take(buf, start, end);
            } catch (Broken e) {
                throw new Broken(e.getMessage(), out.toByteArray());
            }
            if (take) {
                out.write(buf, start, end - start);
            }
            start = end;
        }
        pending.reset();
        pending.write(buf, start, buf.length - start);
        if (pending.size() > MAX_EVENT_BYTES) {
            throw new Broken("an upstream event is larger than " + (MAX_EVENT_BYTES >> 10) + " KiB");
        }
        return out.toByteArray();
    }

    /** Whether the event in {@code buf[start, end)} goes on to the client. */
    private boolean take(byte[] buf, int start, int end) throws Broken {
        List<SseEvent> events;
        try {
            events = reader.feed(buf, start, end - start);
        } catch (SseException e) {
            throw new Broken(Text.safe(e.getMessage()));
        }
        for (SseEvent e : events) {
            try {
                observe(e);
            } catch (JsonException bad) {
                malformed++;
                if (firstMalformed == null) {
                    firstMalformed = Text.safe(bad.getMessage());
                }
                if (malformed > MAX_MALFORMED) {
                    throw new Broken(malformed + " malformed events (first: " + firstMalformed + ")");
                }
                return false;
            }
            if (error != null) {
                throw new Broken("upstream sent an error event: " + error);
            }
        }
        return true;
    }

    /** Reads one event; returns the text it adds to the answer ("" when none). */
    String observe(SseEvent e) throws JsonException {
        String data = e.data();
        if (dialect == Dialect.OPENAI && data.strip().equals("[DONE]")) {
            terminated = true;
            return "";
        }
        if (data.isBlank() && e.event() != null) {
            return ""; // a named event without data (a bare ping)
        }
        JsonObject o = JsonParser.parseObject(data.getBytes(StandardCharsets.UTF_8));
        if ("error".equals(e.event()) || o.get("error") != null) {
            error = Text.safe(data.length() > 300 ? data.substring(0, 300) : data);
            return "";
        }
        String added = dialect == Dialect.OPENAI ? openAi(o) : anthropic(o, e.event());
        if (!added.isEmpty()) {
            text.append(added);
            textEvents++;
        }
        return added;
    }

    private String openAi(JsonObject o) {
        if (id == null) {
            id = string(o.get("id"));
            model = string(o.get("model"));
            created = o.get("created") instanceof JsonNumber n ? n.text() : null;
        }
        if (o.get("usage") instanceof JsonObject u) {
            inputTokens = number(u.get("prompt_tokens"), inputTokens);
            outputTokens = number(u.get("completion_tokens"), outputTokens);
        }
        StringBuilder added = new StringBuilder();
        if (o.get("choices") instanceof JsonArray choices) {
            for (JsonValue v : choices.elements()) {
                if (!(v instanceof JsonObject c)) {
                    continue;
                }
                long index = number(c.get("index"), 0);
                if (choice == -1) {
                    choice = index;
                } else if (choice != index) {
                    notPlainText = true; // n > 1: several answers cannot be continued as one
                }
                if (c.get("delta") instanceof JsonObject d) {
                    if (isSet(d.get("tool_calls")) || isSet(d.get("function_call"))) {
                        toolCall = true;
                    }
                    if (d.get("refusal") instanceof JsonString r && !r.value().isEmpty()) {
                        notPlainText = true;
                    }
                    if (d.get("content") instanceof JsonString s) {
                        added.append(s.value());
                    }
                }
                if (c.get("finish_reason") instanceof JsonString f) {
                    finish = f.value();
                }
            }
        }
        return added.toString();
    }

    private String anthropic(JsonObject o, String event) {
        String type = o.get("type") instanceof JsonString t ? t.value() : event == null ? "" : event;
        switch (type) {
            case "message_start" -> {
                if (o.get("message") instanceof JsonObject m) {
                    id = string(m.get("id"));
                    model = string(m.get("model"));
                    if (m.get("usage") instanceof JsonObject u) {
                        inputTokens = number(u.get("input_tokens"), inputTokens);
                        outputTokens = number(u.get("output_tokens"), outputTokens);
                    }
                }
            }
            case "content_block_start" -> {
                if (o.get("content_block") instanceof JsonObject b) {
                    String kind = string(b.get("type"));
                    if ("text".equals(kind)) {
                        block = number(o.get("index"), block + 1);
                        blockOpen = true;
                        return b.get("text") instanceof JsonString s ? s.value() : "";
                    }
                    if (kind != null && kind.endsWith("tool_use")) {
                        toolCall = true;
                    } else {
                        notPlainText = true;
                    }
                }
            }
            case "content_block_delta" -> {
                if (o.get("delta") instanceof JsonObject d && "text_delta".equals(string(d.get("type")))) {
                    return d.get("text") instanceof JsonString s ? s.value() : "";
                }
            }
            case "content_block_stop" -> {
                if (number(o.get("index"), block) == block) {
                    blockOpen = false;
                }
            }
            case "message_delta" -> {
                if (o.get("delta") instanceof JsonObject d && d.get("stop_reason") instanceof JsonString s) {
                    finish = s.value();
                }
                if (o.get("usage") instanceof JsonObject u) {
                    outputTokens = number(u.get("output_tokens"), outputTokens);
                }
            }
            case "message_stop" -> terminated = true;
            default -> {
                // ping and events of later API versions carry nothing to keep
            }
        }
        return "";
    }

    private static boolean isSet(JsonValue v) {
        return v != null && !(v instanceof JsonValue.JsonNull);
    }

    private static String string(JsonValue v) {
        return v instanceof JsonString s ? s.value() : null;
    }

    private static long number(JsonValue v, long fallback) {
        Long n = v instanceof JsonNumber num ? num.asLong() : null;
        return n == null ? fallback : n;
    }

    String text() {
        return text.toString();
    }

    /** Whether another backend may continue this answer: plain text so far (no tool call, one choice). */
    boolean resumable() {
        return !toolCall && !notPlainText;
    }

    boolean toolCall() {
        return toolCall;
    }

    /** The stop or finish reason the stream gave, or null. */
    String finish() {
        return finish;
    }

    /** Whether the answer is complete (its finish reason came), even when the stream's last event did not. */
    boolean complete() {
        return finish != null || terminated;
    }

    String error() {
        return error;
    }

    int malformed() {
        return malformed;
    }

    String firstMalformed() {
        return firstMalformed;
    }

    long inputTokens() {
        return inputTokens;
    }

    /**
     * Output tokens this stream produced: what it reported, or - when it broke before its usage came - one per
     * text event, which is how providers stream (an estimate).
     */
    long outputTokens() {
        return Math.max(outputTokens, textEvents);
    }

    /** The end events the stream still owes a client when its finish reason came but its last event did not. */
    byte[] closing() {
        if (terminated || finish == null) {
            return new byte[0];
        }
        return (dialect == Dialect.OPENAI ? "data: [DONE]\n\n" : "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** {@code more} as a text event of this stream, with its ids and indexes; records it as said. */
    byte[] textEvent(String more) {
        StringBuilder sb = new StringBuilder(128 + more.length());
        if (dialect == Dialect.OPENAI) {
            chunkStart(sb).append("{\"index\":").append(Math.max(choice, 0)).append(",\"delta\":{\"content\":");
            JsonStrings.appendQuoted(sb, more);
            sb.append("},\"finish_reason\":null}]}\n\n");
        } else {
            if (!blockOpen) {
                block++;
                blockOpen = true;
                sb.append("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":").append(block)
                        .append(",\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
            }
            sb.append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":").append(block)
                    .append(",\"delta\":{\"type\":\"text_delta\",\"text\":");
            JsonStrings.appendQuoted(sb, more);
            sb.append("}}\n\n");
        }
        text.append(more);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The normal end of this stream after a continuation: its finish reason ({@code finish}, in {@code from}'s
     * words), usage adding this stream's output to {@code more}'s (OpenAI: only when the client asked for usage),
     * and the last event.
     */
    byte[] endEvents(String finish, Dialect from, Transcript more, boolean includeUsage) {
        long output = outputTokens() + more.outputTokens();
        StringBuilder sb = new StringBuilder(256);
        if (dialect == Dialect.OPENAI) {
            chunkStart(sb).append("{\"index\":").append(Math.max(choice, 0)).append(",\"delta\":{},\"finish_reason\":");
            JsonStrings.appendQuoted(sb, from == Dialect.OPENAI ? finish : toOpenAi(finish));
            sb.append("}]}\n\n");
            if (includeUsage) {
                long input = more.inputTokens();
                chunkStart(sb).append("],\"usage\":{\"prompt_tokens\":").append(input).append(",\"completion_tokens\":")
                        .append(output).append(",\"total_tokens\":").append(input + output).append("}}\n\n");
            }
            sb.append("data: [DONE]\n\n");
        } else {
            if (blockOpen) {
                sb.append("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":").append(block)
                        .append("}\n\n");
                blockOpen = false;
            }
            sb.append("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":");
            JsonStrings.appendQuoted(sb, from == Dialect.ANTHROPIC ? finish : toAnthropic(finish));
            sb.append(",\"stop_sequence\":null},\"usage\":{\"output_tokens\":").append(output).append("}}\n\n");
            sb.append("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        }
        terminated = true;
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code data: {"id":…,"object":…,"created":…,"model":…,"choices":[} of an OpenAI chunk. */
    private StringBuilder chunkStart(StringBuilder sb) {
        sb.append("data: {\"id\":");
        JsonStrings.appendQuoted(sb, id == null ? "chatcmpl-resumed" : id);
        sb.append(",\"object\":\"chat.completion.chunk\",\"created\":").append(created == null ? "0" : created)
                .append(",\"model\":");
        JsonStrings.appendQuoted(sb, model == null ? "" : model);
        return sb.append(",\"choices\":[");
    }

    private static String toOpenAi(String stopReason) {
        return switch (stopReason == null ? "" : stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "refusal" -> "content_filter";
            default -> "stop";
        };
    }

    private static String toAnthropic(String finishReason) {
        return switch (finishReason == null ? "" : finishReason) {
            case "length" -> "max_tokens";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }
}
