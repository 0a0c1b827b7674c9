package llmproxy.json;

/** A body that is not a well-formed JSON object; the message says what and at which byte offset. */
public final class JsonException extends Exception {
    private static final long serialVersionUID = 1L;

    public JsonException(String message) {
        super(message, null, false, false);
    }
}
