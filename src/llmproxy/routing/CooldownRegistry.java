package llmproxy.routing;

import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which backend+model pairs are cooling down, and until when. Thread-safe; expired entries are
 * removed lazily on read. Keyed by pair, not by config objects, so it survives reloads.
 */
public final class CooldownRegistry {
    private final Clock clock;
    private final ConcurrentHashMap<Candidate.Pair, Long> untilMillis = new ConcurrentHashMap<>();
    /** Cooldowns in a row without a success between them: a flapping pair cools down longer each time. */
    private final ConcurrentHashMap<Candidate.Pair, Integer> strikes = new ConcurrentHashMap<>();

    public CooldownRegistry(Clock clock) {
        this.clock = clock;
    }

    /**
     * Cools {@code pair} down for {@code millis}, never shortening a longer cooldown already set. A pair that fails
     * again after its cooldown ran out (the probe failed) cools down twice as long each time, up to four times.
     */
    public long coolDown(Candidate.Pair pair, long millis) {
        long now = clock.millis();
        Long current = untilMillis.get(pair);
        // Requests failing together while it already cools are one strike, not several.
        int n = current != null && current > now ? strikes.getOrDefault(pair, 1) : strikes.merge(pair, 1, Integer::sum);
        long scaled = n <= 1 ? millis : Math.min(millis << Math.min(n - 1, 2), 4 * millis);
        long until = now + scaled;
        return untilMillis.merge(pair, until, Math::max);
    }

    /** {@code pair} answered: it is healthy again, and its next cooldown starts from the base length. */
    public void recovered(Candidate.Pair pair) {
        if (!strikes.isEmpty()) {
            strikes.remove(pair);
        }
    }

    /** The epoch millis until which {@code pair} cools down, or 0 when it is available. */
    public long until(Candidate.Pair pair) {
        if (untilMillis.isEmpty()) {
            return 0;
        }
        Long until = untilMillis.get(pair);
        if (until == null) {
            return 0;
        }
        if (until <= clock.millis()) {
            untilMillis.remove(pair, until);
            return 0;
        }
        return until;
    }

    /** Forgets pairs a new config no longer has. */
    public void retainOnly(Set<Candidate.Pair> pairs) {
        untilMillis.keySet().retainAll(pairs);
        strikes.keySet().retainAll(pairs);
    }

    public long nowMillis() {
        return clock.millis();
    }
}
