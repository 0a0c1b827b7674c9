package llmproxy.routing;

import llmproxy.config.Backend;

import java.util.Objects;

/**
 * One place a request may be sent: a backend, the model name it knows, the alias that led there, and its
 * route's weight within its priority tier.
 */
public record Candidate(Backend backend, String model, int priority, String viaAlias, int weight) {
    public Candidate {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(model, "model");
    }

    /** A candidate of weight 1. */
    public Candidate(Backend backend, String model, int priority, String viaAlias) {
        this(backend, model, priority, viaAlias, 1);
    }

    /** The cooldown key: the same backend+model pair reached through two aliases is one pair. */
    public Pair pair() {
        return new Pair(backend.name(), model);
    }

    /** A backend+model pair. */
    public record Pair(String backend, String model) {
    }
}
