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

    public CooldownRegistry(Clock clock) {
        this.clock = clock;
    }

    /** Cools {@code pair} down for {@code millis}, never shortening a longer cooldown already set. */
    public long coolDown(Candidate.Pair pair, long millis) {
        long until = clock.millis() + millis;
        return untilMillis.merge(pair, until, Math::max);
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
    }

    public long nowMillis() {
        return clock.millis();
    }
}
