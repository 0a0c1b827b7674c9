package llmproxy.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Orders one request's candidates: tiers in order, shuffled within a tier (weighted by the routes' weights), then the ones cooling
 * down (soonest expiry first) after every healthy one, so a request is never refused without a real
 * attempt. Capped at {@code maxAttempts} (0 = no cap).
 */
public final class CandidateOrder {
    private final Supplier<RandomGenerator> random;

    /** {@code random} is asked once per request, on the request's thread (e.g. ThreadLocalRandom::current). */
    public CandidateOrder(Supplier<RandomGenerator> random) {
        this.random = random;
    }

    public List<Candidate> order(Plan.Tiers plan, CooldownRegistry cooldowns, int maxAttempts) {
        RandomGenerator rnd = random.get();
        List<Candidate> healthy = new ArrayList<>();
        List<Candidate> cooling = null;
        List<Long> coolingUntil = null;
        for (List<Candidate> tier : plan.tiers()) {
            int tierStart = healthy.size();
            for (Candidate c : tier) {
                long until = cooldowns.until(c.pair());
                if (until == 0) {
                    healthy.add(c);
                } else {
                    if (cooling == null) {
                        cooling = new ArrayList<>();
                        coolingUntil = new ArrayList<>();
                    }
                    cooling.add(c);
                    coolingUntil.add(until);
                }
            }
            shuffle(healthy, tierStart, healthy.size(), rnd);
        }
        if (cooling != null) {
            List<Integer> idx = new ArrayList<>(cooling.size());
            for (int i = 0; i < cooling.size(); i++) {
                idx.add(i);
            }
            List<Long> until = coolingUntil;
            idx.sort(Comparator.comparingLong(until::get));
            for (int i : idx) {
                healthy.add(cooling.get(i));
            }
        }
        if (maxAttempts > 0 && healthy.size() > maxAttempts) {
            return healthy.subList(0, maxAttempts);
        }
        return healthy;
    }

    /**
     * Weighted random order over list[from, to): each place goes to one of the remaining candidates with
     * probability weight / remaining weight. With equal weights that is a plain Fisher-Yates shuffle.
     */
    private static void shuffle(List<Candidate> list, int from, int to, RandomGenerator rnd) {
        boolean weighted = false;
        for (int i = from + 1; i < to; i++) {
            weighted |= list.get(i).weight() != list.get(from).weight();
        }
        if (weighted) {
            weightedShuffle(list, from, to, rnd);
            return;
        }
        for (int i = to - 1; i > from; i--) {
            int j = from + rnd.nextInt(i - from + 1);
            Candidate t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }

    private static void weightedShuffle(List<Candidate> list, int from, int to, RandomGenerator rnd) {
        for (int p = from; p < to - 1; p++) {
            long total = 0;
            for (int i = p; i < to; i++) {
                total += list.get(i).weight();
            }
            long r = rnd.nextLong(total);
            int j = p;
            while (r >= list.get(j).weight()) {
                r -= list.get(j).weight();
                j++;
            }
            Candidate t = list.get(p);
            list.set(p, list.get(j));
            list.set(j, t);
        }
    }
}
