package llmproxy.routing;

import llmproxy.config.Backend;
import llmproxy.config.Defaults;

import java.util.Objects;

/**
 * One place a request may be sent: a backend, the model name it knows, the alias that led there, and its
 * route's weight within its priority tier, and the max_tokens a translated request asks for when the client named
 * none (the route's own, else the config's default).
 */
public record Candidate(Backend backend, String model, int priority, String viaAlias, int weight, int maxTokens) {
    public Candidate {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(model, "model");
    }

    /** A candidate with the standard max_tokens. */
    public Candidate(Backend backend, String model, int priority, String viaAlias, int weight) {
        this(backend, model, priority, viaAlias, weight, Defaults.MAX_TOKENS);
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
