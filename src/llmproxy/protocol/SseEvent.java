package llmproxy.protocol;

import java.util.Objects;

/**
 * One server-sent event: its {@code event:} name ({@code null} when the event had none, as in OpenAI
 * streams) and its {@code data:} lines joined with {@code \n}.
 */
public record SseEvent(String event, String data) {
    public SseEvent {
        Objects.requireNonNull(data, "data");
    }
}
