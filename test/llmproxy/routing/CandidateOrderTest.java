package llmproxy.routing;

import llmproxy.config.Config;
import llmproxy.testkit.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static llmproxy.routing.Configs.alias;
import static llmproxy.routing.Configs.backend;
import static llmproxy.routing.Configs.config;
import static llmproxy.routing.Configs.route;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CandidateOrderTest {
    private final TestClock clock = new TestClock(1_000_000);
    private final CooldownRegistry cooldowns = new CooldownRegistry(clock);

    /** Tier 1: a, b; tier 2: c, d; tier 3: e. */
    private static Plan.Tiers plan() {
        Config c = config(List.of(backend("a"), backend("b"), backend("c"), backend("d"), backend("e")),
                List.of(alias("m", route("a", "m", 1), route("b", "m", 1), route("c", "m", 2), route("d", "m", 2),
                        route("e", "m", 3))));
        return (Plan.Tiers) Routes.from(c).plan("m");
    }

    private static List<String> backends(List<Candidate> cs) {
        return cs.stream().map(c -> c.backend().name()).toList();
    }

    private static Candidate.Pair pair(String backend) {
        return new Candidate.Pair(backend, "m");
    }

    @Test
    void equalPriority_isShuffled_evenly() {
        SplittableRandom seeded = new SplittableRandom(12345);
        CandidateOrder order = new CandidateOrder(() -> seeded);
        Map<String, Integer> first = new HashMap<>();
        Set<List<String>> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            List<String> names = backends(order.order(plan(), cooldowns, 0));
            seen.add(names.subList(0, 2));
            first.merge(names.get(0), 1, Integer::sum);
        }
        assertEquals(Set.of(List.of("a", "b"), List.of("b", "a")), seen);
        int a = first.getOrDefault("a", 0);
        assertTrue(a >= 400 && a <= 600, "a first " + a + " times of 1000");
        assertEquals(1000, a + first.getOrDefault("b", 0));
    }

    @Test
    void shuffle_usesTheInjectedGenerator() {
        // A generator that always answers 0 swaps the last element of each tier to the front.
        RandomGenerator zeros = () -> 0L;
        CandidateOrder order = new CandidateOrder(() -> zeros);
        assertEquals(List.of("b", "a", "d", "c", "e"), backends(order.order(plan(), cooldowns, 0)));
    }

    @Test
    void tiers_areNeverMixed() {
        SplittableRandom seeded = new SplittableRandom(7);
        CandidateOrder order = new CandidateOrder(() -> seeded);
        for (int i = 0; i < 200; i++) {
            List<String> names = backends(order.order(plan(), cooldowns, 0));
            assertEquals(Set.of("a", "b"), Set.copyOf(names.subList(0, 2)));
            assertEquals(Set.of("c", "d"), Set.copyOf(names.subList(2, 4)));
            assertEquals("e", names.get(4));
        }
    }

    @Test
    void coolingCandidates_goAfterAllHealthyOnes_soonestExpiryFirst() {
        cooldowns.coolDown(pair("a"), 30_000);
        cooldowns.coolDown(pair("c"), 10_000);
        cooldowns.coolDown(pair("e"), 20_000);
        CandidateOrder order = new CandidateOrder(() -> (RandomGenerator) () -> 0L);
        assertEquals(List.of("b", "d", "c", "e", "a"), backends(order.order(plan(), cooldowns, 0)));
    }

    @Test
    void expiredCooldown_putsTheCandidateBackInItsTier() {
        cooldowns.coolDown(pair("e"), 10_000);
        CandidateOrder order = new CandidateOrder(() -> new SplittableRandom(1));
        clock.advance(java.time.Duration.ofSeconds(10));
        assertEquals("e", backends(order.order(plan(), cooldowns, 0)).get(4));
        cooldowns.coolDown(pair("a"), 10_000);
        assertEquals("a", backends(order.order(plan(), cooldowns, 0)).get(4));
    }

    @Test
    void allCooling_stillReturnsEveryCandidate() {
        for (String b : List.of("a", "b", "c", "d", "e")) {
            cooldowns.coolDown(pair(b), 1_000 * (6 - b.charAt(0) + 'a'));
        }
        CandidateOrder order = new CandidateOrder(() -> new SplittableRandom(1));
        assertEquals(List.of("e", "d", "c", "b", "a"), backends(order.order(plan(), cooldowns, 0)));
    }

    @ParameterizedTest
    @CsvSource({"0, 5", "1, 1", "3, 3", "5, 5", "9, 5"})
    void maxAttempts_capsTheList_zeroMeansNoCap(int maxAttempts, int expectedSize) {
        CandidateOrder order = new CandidateOrder(() -> (RandomGenerator) () -> 0L);
        List<String> full = List.of("b", "a", "d", "c", "e");
        assertEquals(full.subList(0, expectedSize), backends(order.order(plan(), cooldowns, maxAttempts)));
    }

    @Test
    void maxAttempts_countsCoolingCandidatesToo() {
        cooldowns.coolDown(pair("a"), 10_000);
        cooldowns.coolDown(pair("b"), 10_000);
        CandidateOrder order = new CandidateOrder(() -> (RandomGenerator) () -> 0L);
        assertEquals(List.of("d", "c"), backends(order.order(plan(), cooldowns, 2)));
    }
}
