package llmproxy.routing;

import llmproxy.testkit.TestClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CooldownRegistryTest {
    private static final Candidate.Pair P = new Candidate.Pair("b", "m");
    private static final Candidate.Pair Q = new Candidate.Pair("b", "other");

    private final TestClock clock = new TestClock(1_000_000);
    private final CooldownRegistry registry = new CooldownRegistry(clock);

    @Test
    void unknownPair_isAvailable() {
        assertEquals(0, registry.until(P));
    }

    @Test
    void cooldown_lastsUntilExactlyTheDeadline() {
        assertEquals(1_060_000, registry.coolDown(P, 60_000));
        clock.advance(Duration.ofMillis(59_999));
        assertEquals(1_060_000, registry.until(P));
        clock.advance(Duration.ofMillis(1));
        assertEquals(0, registry.until(P));
    }

    @Test
    void cooldown_isPerPair() {
        registry.coolDown(P, 5_000);
        assertEquals(0, registry.until(Q));
        assertEquals(0, registry.until(new Candidate.Pair("other-backend", "m")));
    }

    @Test
    void coolDown_neverShortensALongerCooldown() {
        registry.coolDown(P, 60_000);
        assertEquals(1_060_000, registry.coolDown(P, 1_000));
        assertEquals(1_060_000, registry.until(P));
    }

    @Test
    void coolDown_extendsAShorterCooldown() {
        registry.coolDown(P, 1_000);
        clock.advance(Duration.ofMillis(500));
        assertEquals(1_060_500, registry.coolDown(P, 60_000));
        assertEquals(1_060_500, registry.until(P));
    }

    @Test
    void expiredCooldown_setAgain_byAFailedProbe_lastsTwiceAsLong_upToFourTimes() {
        registry.coolDown(P, 1_000);
        clock.advance(Duration.ofSeconds(2));
        assertEquals(0, registry.until(P));
        registry.coolDown(P, 1_000);
        assertEquals(1_004_000, registry.until(P));
        clock.advance(Duration.ofSeconds(3));
        registry.coolDown(P, 1_000);
        assertEquals(1_009_000, registry.until(P));
        clock.advance(Duration.ofSeconds(5));
        registry.coolDown(P, 1_000);
        assertEquals(1_014_000, registry.until(P), "capped at four times the cooldown");
    }

    @Test
    void failuresWhileAlreadyCooling_countAsOneStrike_andNeverShortenIt() {
        registry.coolDown(P, 10_000);
        registry.coolDown(P, 1_000);
        registry.coolDown(P, 1_000);
        assertEquals(1_010_000, registry.until(P));
        clock.advance(Duration.ofSeconds(11));
        registry.coolDown(P, 1_000);
        assertEquals(1_013_000, registry.until(P), "second strike: twice the base");
    }

    @Test
    void recoveredPair_startsAgainFromTheBaseCooldown() {
        registry.coolDown(P, 1_000);
        clock.advance(Duration.ofSeconds(2));
        registry.recovered(P);
        registry.coolDown(P, 1_000);
        assertEquals(1_003_000, registry.until(P));
    }

    @Test
    void retainOnly_forgetsRemovedPairs_andKeepsTheRest() {
        registry.coolDown(P, 60_000);
        registry.coolDown(Q, 60_000);
        registry.retainOnly(Set.of(Q));
        assertEquals(0, registry.until(P));
        assertEquals(1_060_000, registry.until(Q));
    }

    @Test
    void nowMillis_readsTheClock() {
        clock.advance(Duration.ofMillis(42));
        assertEquals(1_000_042, registry.nowMillis());
    }

    @Test
    void activeCooldownsCarryReasonStartAndUntilAndCanBeCleared() {
        TestClock c = new TestClock(5_000);
        CooldownRegistry r = new CooldownRegistry(c);
        Candidate.Pair a = new Candidate.Pair("a", "m");
        Candidate.Pair b = new Candidate.Pair("b", "m");
        r.coolDown(a, 60_000, "http 503");
        c.advance(java.time.Duration.ofSeconds(1));
        r.coolDown(b, 1_000, "timeout");
        r.coolDown(a, 10_000, "shorter, ignored");
        assertEquals(java.util.Map.of(a, new CooldownRegistry.Cooldown(5_000, 65_000, "http 503"),
                b, new CooldownRegistry.Cooldown(6_000, 7_000, "timeout")), r.active());
        c.advance(java.time.Duration.ofSeconds(1));
        assertEquals(java.util.Set.of(a), r.active().keySet(), "expired entries are not active");
        assertEquals(true, r.clear(a));
        assertEquals(0, r.until(a));
        r.coolDown(a, 1_000, "x");
        r.coolDown(b, 1_000, "y");
        assertEquals(2, r.clearAll());
        assertEquals(0, r.active().size());
    }
}
