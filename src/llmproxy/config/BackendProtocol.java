package llmproxy.config;

import java.util.Locale;

/**
 * The chat protocol a backend speaks ({@code backends[].protocol}). {@link #AUTO} means Anthropic for
 * {@code api.anthropic.com} and otherwise whatever the client speaks, i.e. passthrough.
 */
public enum BackendProtocol {
    OPENAI, ANTHROPIC, AUTO;

    /** @throws IllegalArgumentException for anything but openai, anthropic or auto */
    static BackendProtocol parse(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "openai" -> OPENAI;
            case "anthropic" -> ANTHROPIC;
            case "auto" -> AUTO;
            default -> throw new IllegalArgumentException("must be openai, anthropic or auto, got \"" + text + "\"");
        };
    }
}
