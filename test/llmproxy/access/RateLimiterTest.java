package llmproxy.access;

import llmproxy.config.ClientKey;
import llmproxy.config.Secret;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class RateLimiterTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(123 * SECOND);
    private final RateLimiter limiter = new RateLimiter(now::get);

    private static ClientKey key(String name, int rpm) {
        return new ClientKey(name, Secret.of(name + "-secret"), ClientKey.ALL_MODELS, rpm);
    }

    @Test
    void aFullBucketAllowsRpmRequestsThenLimitsWithRetryAfter() {
        ClientKey k = key("bot", 60);
        for (int i = 0; i < 60; i++) {
            assertInstanceOf(Decision.Allowed.class, limiter.acquire(k), "request " + i);
        }
        Decision over = limiter.acquire(k);
        assertEquals(new Decision.Limited(1, "the API key \"bot\" is over its limit of 60 requests per minute;"
                + " retry in 1s"), over);
    }

    @Test
    void tokensComeBackAtRpmPerMinute() {
        ClientKey k = key("slow", 2);
        assertInstanceOf(Decision.Allowed.class, limiter.acquire(k));
        assertInstanceOf(Decision.Allowed.class, limiter.acquire(k));
        Decision.Limited limited = assertInstanceOf(Decision.Limited.class, limiter.acquire(k));
        assertEquals(30, limited.retryAfterSeconds(), "one token per 30 s at 2 rpm");
        now.addAndGet(29 * SECOND);
        assertEquals(1, assertInstanceOf(Decision.Limited.class, limiter.acquire(k)).retryAfterSeconds());
        now.addAndGet(SECOND);
        assertInstanceOf(Decision.Allowed.class, limiter.acquire(k));
        assertInstanceOf(Decision.Limited.class, limiter.acquire(k));
        now.addAndGet(3600 * SECOND);
        assertInstanceOf(Decision.Allowed.class, limiter.acquire(k));
        assertInstanceOf(Decision.Allowed.class, limiter.acquire(k));
        assertInstanceOf(Decision.Limited.class, limiter.acquire(k), "a long pause refills only up to rpm");
    }

    @Test
    void keysHaveSeparateBucketsAndNoRpmMeansNoLimit() {
        ClientKey a = key("a", 1);
        ClientKey b = key("b", 1);
        ClientKey free = key("free", 0);
        assertInstanceOf(Decision.Allowed.class, limiter.acquire(a));
        assertInstanceOf(Decision.Limited.class, limiter.acquire(a));
        assertInstanceOf(Decision.Allowed.class, limiter.acquire(b));
        for (int i = 0; i < 10_000; i++) {
            assertInstanceOf(Decision.Allowed.class, limiter.acquire(free));
        }
    }

    @Test
    void aChangedRpmOnReloadStartsAFreshBucket() {
        assertInstanceOf(Decision.Allowed.class, limiter.acquire(key("a", 1)));
        assertInstanceOf(Decision.Limited.class, limiter.acquire(key("a", 1)));
        limiter.retainOnly(List.of(key("a", 5)));
        assertInstanceOf(Decision.Allowed.class, limiter.acquire(key("a", 5)));
    }

    @Test
    void aClockGoingBackwardsGrantsNothing() {
        ClientKey k = key("k", 1);
        assertInstanceOf(Decision.Allowed.class, limiter.acquire(k));
        now.addAndGet(-3600 * SECOND);
        assertInstanceOf(Decision.Limited.class, limiter.acquire(k));
    }
}
