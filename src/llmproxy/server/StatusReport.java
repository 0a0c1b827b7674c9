package llmproxy.server;

import llmproxy.config.Backend;
import llmproxy.config.ClientKey;
import llmproxy.config.ModelAlias;
import llmproxy.config.Route;
import llmproxy.metrics.ProxyMetrics;
import llmproxy.routing.Candidate;
import llmproxy.routing.CooldownRegistry;
import llmproxy.routing.Plan;
import llmproxy.routing.Snapshot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The /status JSON: version, uptime, config, every backend+model pair's health, every alias's order now, and the
 * client keys by name.
 */
final class StatusReport {
    private StatusReport() {
        throw new AssertionError();
    }

    static String json(String version, long startedAtMillis, long nowMillis, ConfigState config, Snapshot snapshot,
                       CooldownRegistry cooldowns, ProxyMetrics metrics, int inFlight) {
        Map<Candidate.Pair, CooldownRegistry.Cooldown> cooling = cooldowns.active();
        JsonWriter w = new JsonWriter().beginObject();
        w.name("version").value(version);
        w.name("started_at").value(time(startedAtMillis));
        w.name("uptime_seconds").value(Math.max(0, (nowMillis - startedAtMillis) / 1000));
        w.name("in_flight_requests").value(inFlight);
        w.name("config").beginObject()
                .name("path").value(config.path())
                .name("loaded_at").value(time(config.loadedAtMillis()))
                .name("sha256").value(config.sha256())
                .name("last_reload").beginObject()
                .name("result").value(config.lastReloadResult())
                .name("at").value(config.lastReloadAtMillis() == 0 ? null : time(config.lastReloadAtMillis()))
                .name("problems").beginArray();
        config.lastReloadProblems().forEach(w::value);
        w.endArray().endObject().endObject();
        w.name("backends").beginArray();
        for (Backend b : snapshot.config().backends()) {
            w.beginObject().name("name").value(b.name()).name("enabled").value(b.enabled()).name("models").beginArray();
            for (String model : modelsOf(snapshot, b.name())) {
                pair(w, new Candidate.Pair(b.name(), model), cooling, metrics, nowMillis);
            }
            w.endArray().endObject();
        }
        w.endArray();
        w.name("aliases").beginArray();
        for (String alias : snapshot.routes().enabledAliases()) {
            w.beginObject().name("name").value(alias).name("candidates").beginArray();
            if (snapshot.routes().plan(alias) instanceof Plan.Tiers tiers) {
                candidates(w, tiers, cooling);
            }
            w.endArray().endObject();
        }
        w.endArray();
        // Names, allow-lists and limits only: never the keys.
        w.name("client_keys").beginArray();
        for (ClientKey k : snapshot.config().clientKeys()) {
            w.beginObject().name("name").value(k.name()).name("models").beginArray();
            k.models().forEach(w::value);
            w.endArray().name("rpm").value(k.rpm()).endObject();
        }
        w.endArray();
        return w.endObject().toString();
    }

    /** The upstream models a backend serves in this config, in config order. */
    private static Set<String> modelsOf(Snapshot snapshot, String backend) {
        Set<String> models = new LinkedHashSet<>();
        for (ModelAlias a : snapshot.config().models().values()) {
            for (Route r : a.routes()) {
                if (r.backend().equals(backend)) {
                    models.add(r.model());
                }
            }
        }
        return models;
    }

    private static void pair(JsonWriter w, Candidate.Pair pair, Map<Candidate.Pair, CooldownRegistry.Cooldown> cooling,
                             ProxyMetrics metrics, long nowMillis) {
        CooldownRegistry.Cooldown c = cooling.get(pair);
        ProxyMetrics.PairStats stats = metrics.pairStats(pair.backend(), pair.model());
        w.beginObject().name("model").value(pair.model()).name("state").value(c == null ? "ok" : "cooling");
        w.name("cooldown");
        if (c == null) {
            w.nullValue();
        } else {
            w.beginObject().name("reason").value(c.reason().isEmpty() ? null : c.reason())
                    .name("started_at").value(time(c.startedAtMillis()))
                    .name("until").value(time(c.untilMillis()))
                    .name("remaining_seconds").value((c.untilMillis() - nowMillis + 999) / 1000)
                    .endObject();
        }
        w.name("last_failure");
        if (stats.lastFailure() == null) {
            w.nullValue();
        } else {
            w.beginObject().name("reason").value(stats.lastFailure().outcome().label())
                    .name("at").value(time(stats.lastFailure().atMillis())).endObject();
        }
        w.name("attempts").value(stats.attempts()).name("failures").value(stats.failures()).endObject();
    }

    /**
     * The order a request would try now: tiers in order, healthy candidates first (shuffled per request by
     * weight within a tier, so shown in config order), cooling ones last, soonest expiry first.
     */
    private static void candidates(JsonWriter w, Plan.Tiers tiers, Map<Candidate.Pair, CooldownRegistry.Cooldown> cooling) {
        record Late(Candidate candidate, int tier, long until) {
        }
        List<Late> late = new ArrayList<>();
        int tierNumber = 0;
        for (List<Candidate> tier : tiers.tiers()) {
            tierNumber++;
            for (Candidate c : tier) {
                CooldownRegistry.Cooldown cd = cooling.get(c.pair());
                if (cd != null) {
                    late.add(new Late(c, tierNumber, cd.untilMillis()));
                } else {
                    candidate(w, c, tierNumber, false);
                }
            }
        }
        late.sort(Comparator.comparingLong(Late::until));
        for (Late l : late) {
            candidate(w, l.candidate(), l.tier(), true);
        }
    }

    private static void candidate(JsonWriter w, Candidate c, int tier, boolean cooling) {
        w.beginObject().name("backend").value(c.backend().name()).name("model").value(c.model())
                .name("via_alias").value(c.viaAlias()).name("priority").value(c.priority())
                .name("weight").value(c.weight()).name("tier").value(tier).name("cooling").value(cooling).endObject();
    }

    private static String time(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
