package llmproxy.protocol;

import java.io.IOException;

/** An upstream event stream that cannot be read as server-sent events (for now: an event too large). */
public final class SseException extends IOException {
    private static final long serialVersionUID = 1L;

    SseException(String message) {
        super(message);
    }
}
