package llmproxy.config;

import java.util.Objects;

/**
 * One way to serve an alias: send it to {@code backend} as upstream model {@code model}. Within a priority tier,
 * a route with {@code weight} 3 comes first three times as often as one with weight 1.
 */
public record Route(String backend, String model, int priority, boolean enabled, int weight) {
    public Route {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(model, "model");
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be positive");
        }
    }

    /** A route of weight 1. */
    public Route(String backend, String model, int priority, boolean enabled) {
        this(backend, model, priority, enabled, 1);
    }
}
