package llmproxy.access;

import llmproxy.config.ClientKey;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Per-key requests-per-minute token buckets: a key starts with {@code rpm} tokens, one request takes one, and
 * tokens come back at rpm/60 per second. Lives for the process (per replica) and survives reloads; a changed
 * rpm starts a fresh bucket. Each key has its own lock, so keys never contend with each other.
 */
public final class RateLimiter {
    private static final long NANOS_PER_MINUTE = 60_000_000_000L;

    private record Key(String name, int rpm) {
    }

    private static final class Bucket {
        final ReentrantLock lock = new ReentrantLock();
        /** Tokens scaled by one minute of nanoseconds, so refill is exact integer arithmetic. */
        long scaledTokens;
        long lastNanos;

        Bucket(int rpm, long now) {
            scaledTokens = rpm * NANOS_PER_MINUTE;
            lastNanos = now;
        }
    }

    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<Key, Bucket> buckets = new ConcurrentHashMap<>();

    /** {@code nanoClock}: a monotonic clock such as {@code System::nanoTime}; tests pass their own. */
    public RateLimiter(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Takes a token for one request of {@code key}; keys without an rpm are never limited. */
    public Decision acquire(ClientKey key) {
        int rpm = key.rpm();
        if (rpm <= 0) {
            return Decision.ALLOWED;
        }
        long now = nanoClock.getAsLong();
        Bucket b = buckets.computeIfAbsent(new Key(key.name(), rpm), k -> new Bucket(rpm, now));
        long capacity = rpm * NANOS_PER_MINUTE;
        long one = NANOS_PER_MINUTE;
        b.lock.lock();
        try {
            long elapsed = Math.max(0, now - b.lastNanos);
            b.lastNanos = Math.max(b.lastNanos, now);
            // tokens gained = elapsed * rpm / minute; scaled by a minute that is elapsed * rpm.
            b.scaledTokens = elapsed > capacity / rpm ? capacity : Math.min(capacity, b.scaledTokens + elapsed * rpm);
            if (b.scaledTokens >= one) {
                b.scaledTokens -= one;
                return Decision.ALLOWED;
            }
            long missingNanos = (one - b.scaledTokens + rpm - 1) / rpm;
            long seconds = Math.max(1, (missingNanos + 999_999_999L) / 1_000_000_000L);
            return new Decision.Limited(seconds, "the API key \"" + key.name() + "\" is over its limit of " + rpm
                    + " requests per minute; retry in " + seconds + "s");
        } finally {
            b.lock.unlock();
        }
    }

    /** Forgets buckets of keys a new config no longer has (by name and rpm). */
    public void retainOnly(Collection<ClientKey> keys) {
        Set<Key> live = new HashSet<>();
        keys.forEach(k -> live.add(new Key(k.name(), k.rpm())));
        buckets.keySet().retainAll(live);
    }
}
