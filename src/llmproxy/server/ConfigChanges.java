package llmproxy.server;

import llmproxy.config.Backend;
import llmproxy.config.Config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * What a reload changed, in a word per kind, for the {@code config reloaded} line:
 * {@code backends added: x; aliases removed: y; settings changed: logging}. Names only, never values,
 * so nothing secret is printed.
 */
final class ConfigChanges {
    private ConfigChanges() {
        throw new AssertionError();
    }

    /** E.g. {@code 3 backends, 2 aliases (backends added: x; aliases removed: y)}. */
    static String summary(Config old, Config next) {
        return next.backends().size() + " backends, " + next.models().size() + " aliases (" + describe(old, next) + ")";
    }

    /** The changes from {@code old} to {@code next}, or {@code no effective changes}. */
    static String describe(Config old, Config next) {
        StringJoiner out = new StringJoiner("; ");
        diff(out, "backends", byName(old.backends()), byName(next.backends()));
        diff(out, "aliases", old.models(), next.models());
        List<String> settings = new ArrayList<>();
        setting(settings, "listen", old.listen(), next.listen());
        setting(settings, "proxy_api_key", old.proxyApiKey(), next.proxyApiKey());
        setting(settings, "fallback", old.fallback(), next.fallback());
        setting(settings, "detection", old.detection(), next.detection());
        setting(settings, "logging", old.logging(), next.logging());
        setting(settings, "timeouts", old.timeouts(), next.timeouts());
        setting(settings, "server", old.server(), next.server());
        setting(settings, "network", old.network(), next.network());
        if (!settings.isEmpty()) {
            out.add("settings changed: " + String.join(", ", settings));
        }
        return out.length() == 0 ? "no effective changes" : out.toString();
    }

    private static Map<String, Backend> byName(List<Backend> backends) {
        Map<String, Backend> map = new LinkedHashMap<>();
        backends.forEach(b -> map.put(b.name(), b));
        return map;
    }

    private static <V> void diff(StringJoiner out, String kind, Map<String, V> old, Map<String, V> next) {
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        next.forEach((name, v) -> {
            if (!old.containsKey(name)) {
                added.add(name);
            } else if (!old.get(name).equals(v)) {
                changed.add(name);
            }
        });
        List<String> removed = old.keySet().stream().filter(name -> !next.containsKey(name)).toList();
        add(out, kind + " added", added);
        add(out, kind + " removed", removed);
        add(out, kind + " changed", changed);
    }

    private static void add(StringJoiner out, String label, List<String> names) {
        if (!names.isEmpty()) {
            out.add(label + ": " + String.join(", ", names));
        }
    }

    private static void setting(List<String> out, String name, Object old, Object next) {
        if (!Objects.equals(old, next)) {
            out.add(name);
        }
    }
}
