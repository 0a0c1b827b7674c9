package llmproxy.config;

/**
 * The chat protocol a backend speaks ({@code backends[].protocol}). {@link #AUTO} means Anthropic for
 * {@code api.anthropic.com} and otherwise whatever the client speaks, i.e. passthrough.
 */
public enum BackendProtocol {
    OPENAI, ANTHROPIC, AUTO
}
