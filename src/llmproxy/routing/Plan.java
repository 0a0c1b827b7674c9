package llmproxy.routing;

import java.util.List;

/** How an alias resolves: unknown, known but with nothing to try, or tiers of candidates in order. */
public sealed interface Plan {
    /** No enabled alias of that name, and no alias fallback for it. */
    record Unknown() implements Plan {
    }

    /** The alias exists but no enabled route leads to an enabled backend. */
    record NoBackend() implements Plan {
    }

    /**
     * Candidates grouped in tiers: the tiers are tried in order, candidates within a tier are shuffled
     * per request (equal priority = load balancing). Each backend+model pair occurs once.
     */
    record Tiers(List<List<Candidate>> tiers) implements Plan {
        public Tiers {
            tiers = tiers.stream().map(List::copyOf).toList();
        }
    }
}
