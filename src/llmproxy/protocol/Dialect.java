package llmproxy.protocol;

/** The two chat protocols the proxy speaks: OpenAI chat completions and Anthropic Messages. */
public enum Dialect {
    OPENAI("/v1/chat/completions"),
    ANTHROPIC("/v1/messages");

    private final String chatPath;

    Dialect(String chatPath) {
        this.chatPath = chatPath;
    }

    /** The client-side path of this protocol's chat endpoint, in its {@code /v1} form. */
    public String chatPath() {
        return chatPath;
    }
}
