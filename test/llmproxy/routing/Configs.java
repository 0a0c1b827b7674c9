package llmproxy.routing;

import llmproxy.config.Backend;
import llmproxy.config.Config;
import llmproxy.config.Detection;
import llmproxy.config.Fallback;
import llmproxy.config.LogSettings;
import llmproxy.config.ModelAlias;
import llmproxy.config.Route;
import llmproxy.config.Secret;
import llmproxy.config.ServerSettings;
import llmproxy.config.Timeouts;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small builders for routing configs. */
final class Configs {
    private Configs() {
        throw new AssertionError();
    }

    static Backend backend(String name) {
        return backend(name, true);
    }

    static Backend backend(String name, boolean enabled) {
        return new Backend(name, URI.create("http://" + name + ".test"), Secret.NONE, enabled);
    }

    static Route route(String backend, String model, int priority) {
        return new Route(backend, model, priority, true);
    }

    static ModelAlias alias(String name, Route... routes) {
        return new ModelAlias(name, true, List.of(routes));
    }

    static ModelAlias disabledAlias(String name, Route... routes) {
        return new ModelAlias(name, false, List.of(routes));
    }

    static Config config(List<Backend> backends, List<ModelAlias> aliases, Map<String, List<String>> aliasFallback) {
        Map<String, ModelAlias> models = new LinkedHashMap<>();
        for (ModelAlias a : aliases) {
            models.put(a.name(), a);
        }
        return new Config(":0", Secret.NONE, backends, models, new Fallback(60, 0, aliasFallback),
                Detection.defaults(), LogSettings.defaults(), Timeouts.defaults(), ServerSettings.defaults(), List.of());
    }

    static Config config(List<Backend> backends, List<ModelAlias> aliases) {
        return config(backends, aliases, Map.of());
    }

    /** The tiers of a plan as "backend:model" strings. */
    static List<List<String>> names(Plan plan) {
        if (!(plan instanceof Plan.Tiers t)) {
            throw new AssertionError("expected tiers, got " + plan);
        }
        return t.tiers().stream().map(tier -> tier.stream().map(Configs::name).toList()).toList();
    }

    static String name(Candidate c) {
        return c.backend().name() + ":" + c.model();
    }
}
