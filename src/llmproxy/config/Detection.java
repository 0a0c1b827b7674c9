package llmproxy.config;

import java.util.List;
import java.util.Locale;

/**
 * What counts as a backend failure worth falling back from. {@code errorCodes} holds exact codes
 * ("429") and class wildcards ("5xx"), normalised to lower case; {@code errorPatterns} are matched
 * case-insensitively against the response body, so they are stored lower-cased. {@code requestPatterns} mark
 * an error as the request's own problem (never a cooldown, never a same-route retry), beside the built-in ones.
 */
public record Detection(List<String> errorCodes, List<String> errorPatterns, List<String> requestPatterns) {
    public static final List<String> DEFAULT_ERROR_CODES = List.of("429", "5xx");

    public Detection {
        errorCodes = errorCodes.stream().map(c -> c.toLowerCase(Locale.ROOT)).toList();
        errorPatterns = errorPatterns.stream().filter(p -> !p.isEmpty()).map(p -> p.toLowerCase(Locale.ROOT)).toList();
        requestPatterns = requestPatterns.stream().filter(p -> !p.isEmpty()).map(p -> p.toLowerCase(Locale.ROOT))
                .toList();
    }

    public Detection(List<String> errorCodes, List<String> errorPatterns) {
        this(errorCodes, errorPatterns, List.of());
    }

    public static Detection defaults() {
        return new Detection(DEFAULT_ERROR_CODES, List.of());
    }

    /** True when {@code status} matches an exact code or its class wildcard. */
    public boolean matchesStatus(int status) {
        for (String code : errorCodes) {
            if (code.length() == 3 && code.endsWith("xx")) {
                if (code.charAt(0) - '0' == status / 100) {
                    return true;
                }
            } else if (code.equals(Integer.toString(status))) {
                return true;
            }
        }
        return false;
    }
}
