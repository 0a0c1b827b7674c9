package llmproxy.routing;

import llmproxy.config.Backend;
import llmproxy.config.Config;
import llmproxy.config.ModelAlias;
import llmproxy.config.Route;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The routing table of one config, computed once per load: alias -> {@link Plan}, with L1 tiers and
 * the L2 alias chain already expanded depth first, cycle-safe and without repeated backend+model pairs.
 */
public final class Routes {
    private final Map<String, Plan> plans;
    private final List<String> enabledAliases;
    private final Set<Candidate.Pair> pairs;

    private Routes(Map<String, Plan> plans, List<String> enabledAliases, Set<Candidate.Pair> pairs) {
        this.plans = plans;
        this.enabledAliases = enabledAliases;
        this.pairs = pairs;
    }

    public static Routes from(Config config) {
        Map<String, Plan> plans = new HashMap<>();
        Set<Candidate.Pair> pairs = new HashSet<>();
        List<String> enabled = new ArrayList<>();
        Set<String> all = new LinkedHashSet<>(config.models().keySet());
        all.addAll(config.fallback().aliasFallback().keySet());
        for (String alias : all) {
            ModelAlias m = config.models().get(alias);
            if (m != null && m.enabled()) {
                enabled.add(alias);
            }
            Plan plan = plan(config, alias);
            plans.put(alias, plan);
            if (plan instanceof Plan.Tiers t) {
                t.tiers().forEach(tier -> tier.forEach(c -> pairs.add(c.pair())));
            }
        }
        return new Routes(Map.copyOf(plans), List.copyOf(enabled), Set.copyOf(pairs));
    }

    private static Plan plan(Config config, String alias) {
        List<List<Candidate>> tiers = new ArrayList<>();
        Set<Candidate.Pair> seen = new HashSet<>();
        expand(config, alias, new HashSet<>(), seen, tiers);
        ModelAlias own = config.models().get(alias);
        boolean usable = own != null && own.enabled();
        if (tiers.isEmpty()) {
            return usable ? new Plan.NoBackend() : new Plan.Unknown();
        }
        return new Plan.Tiers(tiers);
    }

    /** Appends alias's own tiers, then each fallback alias's, depth first; visited guards against cycles. */
    private static void expand(Config config, String alias, Set<String> visited, Set<Candidate.Pair> seen,
                               List<List<Candidate>> tiers) {
        if (!visited.add(alias)) {
            return;
        }
        ModelAlias m = config.models().get(alias);
        if (m != null && m.enabled()) {
            List<Route> routes = m.routes().stream()
                    .filter(Route::enabled)
                    .sorted(Comparator.comparingInt(Route::priority))
                    .toList();
            List<Candidate> tier = new ArrayList<>();
            int tierPriority = Integer.MIN_VALUE;
            for (Route r : routes) {
                Backend b = config.backend(r.backend());
                if (b == null || !b.enabled()) {
                    continue;
                }
                Candidate c = new Candidate(b, r.model(), r.priority(), alias, r.weight(),
                        r.maxTokens() > 0 ? r.maxTokens() : config.defaults().maxTokens());
                if (!seen.add(c.pair())) {
                    continue;
                }
                if (r.priority() != tierPriority && !tier.isEmpty()) {
                    tiers.add(tier);
                    tier = new ArrayList<>();
                }
                tierPriority = r.priority();
                tier.add(c);
            }
            if (!tier.isEmpty()) {
                tiers.add(tier);
            }
        }
        for (String next : config.fallback().aliasFallback().getOrDefault(alias, List.of())) {
            expand(config, next, visited, seen, tiers);
        }
    }

    /** The plan for a client's model name; {@link Plan.Unknown} for names the config does not know. */
    public Plan plan(String alias) {
        Plan p = plans.get(alias);
        return p == null ? new Plan.Unknown() : p;
    }

    /** Enabled aliases, in config order (what {@code /v1/models} lists). */
    public List<String> enabledAliases() {
        return enabledAliases;
    }

    /** Every backend+model pair some alias can reach; cooldowns for other pairs are forgotten on reload. */
    public Set<Candidate.Pair> pairs() {
        return pairs;
    }
}
