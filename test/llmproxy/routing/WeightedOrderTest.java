package llmproxy.routing;

import llmproxy.config.Config;
import llmproxy.config.Route;
import llmproxy.testkit.TestClock;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static llmproxy.routing.Configs.alias;
import static llmproxy.routing.Configs.backend;
import static llmproxy.routing.Configs.config;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Weighted random order within a priority tier, checked statistically with a fixed seed. */
class WeightedOrderTest {
    private static final int TRIALS = 20_000;
    private final CooldownRegistry cooldowns = new CooldownRegistry(new TestClock(1_000_000));

    private static Plan.Tiers plan(Route... routes) {
        Config c = config(List.of(backend("a"), backend("b"), backend("c"), backend("d")), List.of(alias("m", routes)));
        return (Plan.Tiers) Routes.from(c).plan("m");
    }

    private static Route weighted(String backend, int priority, int weight) {
        return new Route(backend, "m", priority, true, weight);
    }

    private Map<String, Integer> firstChoices(Plan.Tiers plan, long seed) {
        SplittableRandom seeded = new SplittableRandom(seed);
        CandidateOrder order = new CandidateOrder(() -> seeded);
        Map<String, Integer> first = new HashMap<>();
        for (int i = 0; i < TRIALS; i++) {
            first.merge(order.order(plan, cooldowns, 0).get(0).backend().name(), 1, Integer::sum);
        }
        return first;
    }

    private static void assertShare(double expected, int count, String what) {
        double share = (double) count / TRIALS;
        // 20000 trials: one standard deviation of a share near 0.5 is ~0.0035; 0.02 is over five of them.
        assertEquals(expected, share, 0.02, what + " came first " + count + " of " + TRIALS + " times");
    }

    @Test
    void aRouteWithThreeTimesTheWeightComesFirstThreeTimesAsOften() {
        Map<String, Integer> first = firstChoices(plan(weighted("a", 1, 3), weighted("b", 1, 1)), 42);
        assertShare(0.75, first.get("a"), "a (weight 3)");
        assertShare(0.25, first.get("b"), "b (weight 1)");
    }

    @Test
    void firstChoicesFollowWeightsAcrossThreeRoutes() {
        Map<String, Integer> first = firstChoices(
                plan(weighted("a", 1, 5), weighted("b", 1, 3), weighted("c", 1, 2)), 7);
        assertShare(0.5, first.get("a"), "a (weight 5)");
        assertShare(0.3, first.get("b"), "b (weight 3)");
        assertShare(0.2, first.get("c"), "c (weight 2)");
    }

    @Test
    void theSecondPlaceIsWeightedAmongTheRest() {
        // Given a came first (weights 5:3:2), b is second with probability 3/5.
        SplittableRandom seeded = new SplittableRandom(99);
        CandidateOrder order = new CandidateOrder(() -> seeded);
        Plan.Tiers plan = plan(weighted("a", 1, 5), weighted("b", 1, 3), weighted("c", 1, 2));
        int aFirst = 0;
        int bSecond = 0;
        for (int i = 0; i < TRIALS * 2; i++) {
            List<Candidate> cs = order.order(plan, cooldowns, 0);
            if (cs.get(0).backend().name().equals("a")) {
                aFirst++;
                bSecond += cs.get(1).backend().name().equals("b") ? 1 : 0;
            }
        }
        assertEquals(0.6, (double) bSecond / aFirst, 0.02);
    }

    @Test
    void weightsNeverMixTiersAndEveryCandidateAppearsOnce() {
        SplittableRandom seeded = new SplittableRandom(3);
        CandidateOrder order = new CandidateOrder(() -> seeded);
        Plan.Tiers plan = plan(weighted("a", 1, 1), weighted("b", 1, 100), weighted("c", 2, 1000), weighted("d", 2, 1));
        for (int i = 0; i < 1000; i++) {
            List<String> names = order.order(plan, cooldowns, 0).stream().map(c -> c.backend().name()).toList();
            assertEquals(Set.of("a", "b"), Set.copyOf(names.subList(0, 2)));
            assertEquals(Set.of("c", "d"), Set.copyOf(names.subList(2, 4)));
        }
    }

    @Test
    void aCoolingRouteGoesLastWhateverItsWeight() {
        cooldowns.coolDown(new Candidate.Pair("a", "m"), 60_000);
        SplittableRandom seeded = new SplittableRandom(5);
        CandidateOrder order = new CandidateOrder(() -> seeded);
        Plan.Tiers plan = plan(weighted("a", 1, 1000), weighted("b", 1, 1));
        for (int i = 0; i < 100; i++) {
            assertEquals("b", order.order(plan, cooldowns, 0).get(0).backend().name());
        }
    }
}
