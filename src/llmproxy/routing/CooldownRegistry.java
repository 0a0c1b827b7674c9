package llmproxy.routing;

import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which backend+model pairs are cooling down, since when, until when and why. Thread-safe; expired entries are
 * removed lazily on read. Keyed by pair, not by config objects, so it survives reloads.
 */
public final class CooldownRegistry {
    /** One pair's cooldown, in epoch millis. */
    public record Cooldown(long startedAtMillis, long untilMillis, String reason) {
    }

    private final Clock clock;
    private final ConcurrentHashMap<Candidate.Pair, Cooldown> entries = new ConcurrentHashMap<>();
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
        return coolDown(pair, millis, "");
    }

    /** As {@link #coolDown(Candidate.Pair, long)}, remembering why (shown by /status). */
    public long coolDown(Candidate.Pair pair, long millis, String reason) {
        long now = clock.millis();
        Cooldown current = entries.get(pair);
        // Requests failing together while it already cools are one strike, not several.
        int n = current != null && current.untilMillis() > now ? strikes.getOrDefault(pair, 1)
                : strikes.merge(pair, 1, Integer::sum);
        long scaled = n <= 1 ? millis : Math.min(millis << Math.min(n - 1, 2), 4 * millis);
        Cooldown next = new Cooldown(now, now + scaled, reason == null ? "" : reason);
        return entries.merge(pair, next, (old, fresh) -> old.untilMillis() >= fresh.untilMillis() ? old : fresh)
                .untilMillis();
    }

    /** {@code pair} answered: it is healthy again, and its next cooldown starts from the base length. */
    public void recovered(Candidate.Pair pair) {
        if (!strikes.isEmpty()) {
            strikes.remove(pair);
        }
    }

    /**
     * Whether {@code pair} failed and has not answered since: tried now, it is a probe (or a last resort while it
     * cools), worth one attempt and no same-route retries.
     */
    public boolean unproven(Candidate.Pair pair) {
        return !strikes.isEmpty() && strikes.containsKey(pair);
    }

    /** The epoch millis until which {@code pair} cools down, or 0 when it is available. */
    public long until(Candidate.Pair pair) {
        if (entries.isEmpty()) {
            return 0;
        }
        Cooldown c = entries.get(pair);
        if (c == null) {
            return 0;
        }
        if (c.untilMillis() <= clock.millis()) {
            entries.remove(pair, c);
            return 0;
        }
        return c.untilMillis();
    }

    /** The cooldowns in force now, by pair (a read-only copy for /status). */
    public Map<Candidate.Pair, Cooldown> active() {
        long now = clock.millis();
        Map<Candidate.Pair, Cooldown> result = new TreeMap<>((a, b) -> a.backend().equals(b.backend())
                ? a.model().compareTo(b.model()) : a.backend().compareTo(b.backend()));
        entries.forEach((pair, c) -> {
            if (c.untilMillis() > now) {
                result.put(pair, c);
            }
        });
        return result;
    }

    /** Ends {@code pair}'s cooldown now; true when it was cooling down. */
    public boolean clear(Candidate.Pair pair) {
        Cooldown c = entries.remove(pair);
        return c != null && c.untilMillis() > clock.millis();
    }

    /** Ends every cooldown now; returns how many were in force. */
    public int clearAll() {
        int n = active().size();
        entries.clear();
        return n;
    }

    /** Forgets pairs a new config no longer has. */
    public void retainOnly(Set<Candidate.Pair> pairs) {
        entries.keySet().retainAll(pairs);
        strikes.keySet().retainAll(pairs);
    }

    public long nowMillis() {
        return clock.millis();
    }
}
