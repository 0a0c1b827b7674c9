package llmproxy.protocol;

/** The API a client speaks, told by its path; it decides the shape of every error the client gets. */
public enum Dialect {
    OPENAI, ANTHROPIC;

    public static Dialect ofPath(String path) {
        return path.startsWith("/v1/messages") || path.startsWith("/messages") ? ANTHROPIC : OPENAI;
    }
}
