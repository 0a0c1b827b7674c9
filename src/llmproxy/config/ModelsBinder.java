package llmproxy.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Binds {@code models} (alias -> routes) and {@code fallback.alias_fallback}, checking every route
 * against the defined backends and every fallback chain against the defined aliases.
 */
final class ModelsBinder {
    private final Values values;
    private final Problems problems;
    private final Set<String> backendNames;
    private final Set<String> enabledBackends;

    /** {@code backendNames} in config order, for "known: ..." hints. */
    ModelsBinder(Values values, Set<String> backendNames, Set<String> enabledBackends) {
        this.values = values;
        this.problems = values.problems();
        this.backendNames = backendNames;
        this.enabledBackends = enabledBackends;
    }

    Map<String, ModelAlias> models(YamlNode node, int line) {
        Map<String, ModelAlias> result = new LinkedHashMap<>();
        YamlNode.Mapping mapping = values.mapping(node, "models", line);
        if (mapping == null || mapping.entries().isEmpty()) {
            problems.warn("models", line, "no model aliases defined; every request will be rejected");
            return result;
        }
        for (YamlNode.Entry e : mapping.entries().values()) {
            String path = Section.child("models", e.key());
            boolean enabled = true;
            List<Route> routes = List.of();
            if (e.value() instanceof YamlNode.Sequence seq) {
                // The original design.md shorthand: "alias: [routes]" without "routes:".
                routes = routes(seq, path);
            } else if (e.value() instanceof YamlNode.Mapping) {
                Section s = Section.of(values, e.value(), path, e.line());
                enabled = s.bool("enabled", true);
                YamlNode.Sequence seq = values.sequence(s.node("routes"), s.path("routes"), s.line("routes"));
                routes = seq == null ? List.of() : routes(seq, s.path("routes"));
                s.finish();
            } else if (!(e.value() instanceof YamlNode.Scalar scalar && scalar.isNull())) {
                problems.error(path, e.line(), "must be a mapping with routes: (or a list of routes), got " + e.value().kind());
                continue;
            }
            if (e.key().isBlank()) {
                problems.error(path, e.line(), "alias name must not be empty");
            }
            if (enabled && routes.stream().noneMatch(r -> r.enabled() && enabledBackends.contains(r.backend()))) {
                problems.warn(path, e.line(), routes.isEmpty() ? "has no routes; requests for it will fail"
                        : "has no usable route (each route or its backend is disabled); requests for it will fail");
            }
            result.put(e.key(), new ModelAlias(e.key(), enabled, routes));
        }
        return result;
    }

    private List<Route> routes(YamlNode.Sequence seq, String path) {
        List<Route> routes = new ArrayList<>();
        for (int i = 0; i < seq.items().size(); i++) {
            YamlNode item = seq.items().get(i);
            String p = Section.index(path, i);
            if (!(item instanceof YamlNode.Mapping)) {
                problems.error(p, item.line(), "must be a mapping with backend and model, got " + item.kind());
                continue;
            }
            Section s = Section.of(values, item, p, item.line());
            String backend = s.string("backend", "");
            String model = s.string("model", "");
            int priority = s.integer("priority", 0, 0);
            boolean enabled = s.bool("enabled", true);
            int weight = s.integer("weight", 1, 1);
            int maxTokens = s.integer("max_tokens", 0, 1);
            Boolean prefill = s.node("prefill") == null ? null : s.bool("prefill", false);
            s.finish();
            if (backend.isBlank()) {
                problems.error(s.path("backend"), s.line("backend"), "is required");
            } else if (!backendNames.contains(backend)) {
                problems.error(s.path("backend"), s.line("backend"), "unknown backend \"" + backend + "\" ("
                        + (backendNames.isEmpty() ? "no backends are defined" : "known: " + String.join(", ", backendNames))
                        + ")");
            }
            if (model.isBlank()) {
                problems.error(s.path("model"), s.line("model"), "is required");
            }
            routes.add(new Route(backend, model, priority, enabled, weight, maxTokens, prefill));
        }
        return routes;
    }

    /** Chains naming undefined aliases are dropped with a warning; they take effect once defined. */
    Map<String, List<String>> aliasFallback(YamlNode node, String path, int line, Map<String, ModelAlias> models) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        YamlNode.Mapping mapping = values.mapping(node, path, line);
        if (mapping == null) {
            return result;
        }
        for (YamlNode.Entry e : mapping.entries().values()) {
            String p = Section.child(path, e.key());
            YamlNode.Sequence seq = values.sequence(e.value(), p, e.line());
            if (!models.containsKey(e.key())) {
                problems.warn(p, e.line(), "\"" + e.key() + "\" is not a defined model alias; chain ignored");
            }
            if (seq == null) {
                continue;
            }
            List<String> targets = values.texts(seq, p);
            List<String> chain = new ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                String target = targets.get(i);
                int itemLine = seq.items().get(i).line();
                if (target == null) {
                    continue;
                }
                if (!models.containsKey(target)) {
                    problems.warn(Section.index(p, i), itemLine,
                            "unknown alias \"" + target + "\" (skipped until it is defined)");
                } else if (target.equals(e.key())) {
                    problems.warn(Section.index(p, i), itemLine, "an alias cannot fall back to itself; skipped");
                } else {
                    chain.add(target);
                }
            }
            if (models.containsKey(e.key()) && !chain.isEmpty()) {
                result.put(e.key(), chain);
            }
        }
        return result;
    }
}
