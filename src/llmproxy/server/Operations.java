package llmproxy.server;

import llmproxy.access.Access;
import llmproxy.access.RateLimiter;
import llmproxy.config.Config;
import llmproxy.config.ConfigException;
import llmproxy.config.ModelAlias;
import llmproxy.config.Route;
import llmproxy.metrics.ProxyMetrics;
import llmproxy.routing.CooldownRegistry;
import llmproxy.routing.Snapshot;

import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The operator-facing state of one running proxy: metrics, rate-limit buckets, cooldowns, config status, and
 * the {@link Access} rules of the serving config (built once per config, not per request).
 */
final class Operations {
    private record AccessFor(Config config, Access access) {
    }

    final String version;
    final long startedAtMillis;
    final Clock clock;
    final ProxyMetrics metrics;
    final RateLimiter limiter;
    final CooldownRegistry cooldowns;
    private final AtomicReference<ConfigState> configState;
    private volatile AccessFor access;

    Operations(String version, Clock clock, ProxyMetrics metrics, RateLimiter limiter, CooldownRegistry cooldowns) {
        this.version = version;
        this.clock = clock;
        this.startedAtMillis = clock.millis();
        this.metrics = metrics;
        this.limiter = limiter;
        this.cooldowns = cooldowns;
        this.configState = new AtomicReference<>(ConfigState.started(startedAtMillis));
    }

    /** The access rules of {@code config}; rebuilt only when the serving config changed. */
    Access access(Config config) {
        AccessFor a = access;
        if (a == null || a.config() != config) {
            a = new AccessFor(config, Access.of(config));
            access = a;
        }
        return a.access();
    }

    /** A config was applied (at start or by a reload): metrics labels and rate-limit buckets follow it. */
    void configured(Snapshot snapshot) {
        Config c = snapshot.config();
        Set<String> clients = new HashSet<>();
        c.clientKeys().forEach(k -> clients.add(k.name()));
        clients.add("anonymous");
        Map<String, Set<String>> models = new HashMap<>();
        for (ModelAlias a : c.models().values()) {
            for (Route r : a.routes()) {
                models.computeIfAbsent(r.backend(), b -> new LinkedHashSet<>()).add(r.model());
            }
        }
        metrics.configure(new ProxyMetrics.KnownLabels(c.models().keySet(), clients, models), clock.millis() / 1000);
        limiter.retainOnly(c.clientKeys());
    }

    /** The reloader watches {@code path}, whose content (SHA-256 hex) is being served. */
    void watching(String path, String sha256) {
        configState.updateAndGet(s -> new ConfigState(path, s.loadedAtMillis(), sha256, s.lastReloadResult(),
                s.lastReloadAtMillis(), s.lastReloadProblems()));
    }

    void reloaded(String sha256) {
        long now = clock.millis();
        configState.updateAndGet(s -> new ConfigState(s.path(), now, sha256, "ok", now, List.of()));
        metrics.reload(true);
    }

    void reloadFailed(ConfigException e) {
        long now = clock.millis();
        List<String> problems = e.problems().stream().map(Object::toString).toList();
        configState.updateAndGet(s -> new ConfigState(s.path(), s.loadedAtMillis(), s.sha256(), "failed", now,
                problems.isEmpty() ? List.of(String.valueOf(e.getMessage())) : problems));
        metrics.reload(false);
    }

    ConfigState configState() {
        return configState.get();
    }
}
