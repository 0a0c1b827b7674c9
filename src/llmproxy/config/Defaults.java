package llmproxy.config;

/**
 * Top-level {@code defaults}: values a route may set for itself. {@code maxTokens} is what a translated request to
 * an Anthropic backend asks for when the OpenAI client named no limit, since Anthropic requires one.
 */
public record Defaults(int maxTokens) {
    public static final int MAX_TOKENS = 4096;
    public static final Defaults STANDARD = new Defaults(MAX_TOKENS);

    public Defaults {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be positive");
        }
    }
}
