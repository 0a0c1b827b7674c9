package llmproxy.protocol;

import java.util.function.Consumer;

/**
 * Translates one attempt's upstream event stream into the client's protocol, event by event: each
 * upstream event yields its client bytes at once (nothing is held back beyond the event itself), so the
 * caller can write and flush them as they come. Stateful and single-use; not thread-safe.
 */
public sealed interface StreamTranslator permits AnthropicStreamToOpenAi, OpenAiStreamToAnthropic {

    /** Translates one upstream event; a malformed event is a 502 {@link TranslationException}. */
    void onEvent(SseEvent event, Consumer<byte[]> out) throws TranslationException;

    /**
     * The upstream stream ended. Writes whatever closes the client's stream and returns {@code true}; when
     * this call finds the answer cut short, writes the client's in-band error instead and returns
     * {@code false}. A stream an earlier error event or {@link #onFailure} already ended writes nothing
     * more and returns {@code true}.
     */
    boolean onEnd(Consumer<byte[]> out);

    /** The attempt failed mid-stream (a read error, a stall): writes the client's in-band error. */
    void onFailure(String message, Consumer<byte[]> out);
}
