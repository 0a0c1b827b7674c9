package llmproxy.config;

import java.util.Objects;

/**
 * One way to serve an alias: send it to {@code backend} as upstream model {@code model}. Within a priority tier,
 * a route with {@code weight} 3 comes first three times as often as one with weight 1. {@code maxTokens} (0: not
 * set) is what a translated request to an Anthropic backend asks for when the OpenAI client named no limit.
 * {@code prefill}: whether the backend continues an answer from a trailing assistant message ({@code null}: not
 * configured, decided by the backend's dialect).
 */
public record Route(String backend, String model, int priority, boolean enabled, int weight, int maxTokens,
                    Boolean prefill) {
    public Route {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(model, "model");
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be positive");
        }
        if (maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens must not be negative");
        }
    }

    /** A route without a configured prefill. */
    public Route(String backend, String model, int priority, boolean enabled, int weight, int maxTokens) {
        this(backend, model, priority, enabled, weight, maxTokens, null);
    }

    /** A route without its own max_tokens. */
    public Route(String backend, String model, int priority, boolean enabled, int weight, Boolean prefill) {
        this(backend, model, priority, enabled, weight, 0, prefill);
    }

    /** A route without its own max_tokens or prefill. */
    public Route(String backend, String model, int priority, boolean enabled, int weight) {
        this(backend, model, priority, enabled, weight, 0, null);
    }

    /** A route of weight 1. */
    public Route(String backend, String model, int priority, boolean enabled) {
        this(backend, model, priority, enabled, 1, 0, null);
    }
}
