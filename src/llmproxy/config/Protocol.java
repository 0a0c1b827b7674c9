package llmproxy.config;

import java.util.Locale;

/** Which API a backend speaks ({@code protocol:}); {@code AUTO} lets the request decide. */
public enum Protocol {
    OPENAI, ANTHROPIC, AUTO;

    /** @throws IllegalArgumentException for anything but openai, anthropic or auto */
    static Protocol parse(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "openai" -> OPENAI;
            case "anthropic" -> ANTHROPIC;
            case "auto" -> AUTO;
            default -> throw new IllegalArgumentException("must be openai, anthropic or auto, got \"" + text + "\"");
        };
    }
}
