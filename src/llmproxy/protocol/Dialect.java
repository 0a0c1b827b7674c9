package llmproxy.protocol;

/** The API a client speaks, told by its path; it decides the shape of every error the client gets. */
public enum Dialect {
    OPENAI, ANTHROPIC;

    public static Dialect ofPath(String path) {
        return path.startsWith("/v1/messages") || path.startsWith("/messages") ? ANTHROPIC : OPENAI;
    }

    /** The client-side path of this dialect's chat endpoint, in its {@code /v1} form. */
    public String chatPath() {
        return switch (this) {
            case OPENAI -> "/v1/chat/completions";
            case ANTHROPIC -> "/v1/messages";
        };
    }
}
