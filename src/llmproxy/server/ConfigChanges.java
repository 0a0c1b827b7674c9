package llmproxy.server;

import llmproxy.config.Backend;
import llmproxy.config.ClientKey;
import llmproxy.config.Config;
import llmproxy.config.ServerSettings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * What a reload changed, in a word per kind, for the {@code config reloaded} line:
 * {@code backends added: x; aliases removed: y; settings changed: logging}. Names only, never values,
 * so nothing secret is printed. Also which changes need a restart to take effect.
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
        diff(out, "client keys", clientKeys(old), clientKeys(next));
        List<String> settings = new ArrayList<>();
        setting(settings, "listen", old.listen(), next.listen());
        setting(settings, "proxy_api_key", old.proxyApiKey(), next.proxyApiKey());
        setting(settings, "admin_api_key", old.adminApiKey(), next.adminApiKey());
        setting(settings, "fallback", old.fallback(), next.fallback());
        setting(settings, "detection", old.detection(), next.detection());
        setting(settings, "logging", old.logging(), next.logging());
        setting(settings, "timeouts", old.timeouts(), next.timeouts());
        // listen is stored in ServerSettings too, but has its own name above.
        setting(settings, "server", withoutListen(old.server()), withoutListen(next.server()));
        setting(settings, "network", old.network(), next.network());
        if (!settings.isEmpty()) {
            out.add("settings changed: " + String.join(", ", settings));
        }
        return out.length() == 0 ? "no effective changes" : out.toString();
    }

    /**
     * Whether {@code next} moves {@code listen} away from where the server is bound: changed in this reload and
     * not back to the address it started on (or to the port it actually got, when it started on port 0).
     */
    static boolean listenNeedsRestart(Config started, int boundPort, Config old, Config next) {
        ServerSettings n = next.server();
        ServerSettings o = old.server();
        ServerSettings s = started.server();
        boolean changed = !n.host().equals(o.host()) || n.port() != o.port();
        boolean served = n.host().equals(s.host()) && (n.port() == s.port() || n.port() == boundPort);
        return changed && !served;
    }

    /**
     * The settings, besides listen, that are read only at start-up and that this reload changed to a value other
     * than the one in effect. Everything else (max_concurrent, max_body_mb, shutdown_grace_seconds, ...) applies live.
     */
    static List<String> needingRestart(Config started, Config old, Config next) {
        List<String> names = new ArrayList<>();
        restart(names, "server.read_timeout_seconds", started, old, next, c -> c.server().readTimeoutSeconds());
        restart(names, "server.idle_timeout_seconds", started, old, next, c -> c.server().idleTimeoutSeconds());
        restart(names, "server.max_connections", started, old, next, c -> c.server().maxConnections());
        return names;
    }

    private static void restart(List<String> names, String name, Config started, Config old, Config next,
                                Function<Config, Object> value) {
        Object v = value.apply(next);
        if (!v.equals(value.apply(old)) && !v.equals(value.apply(started))) {
            names.add(name);
        }
    }

    private static ServerSettings withoutListen(ServerSettings s) {
        return new ServerSettings("", 0, s.maxBodyMb(), s.maxConcurrent(), s.readTimeoutSeconds(), s.idleTimeoutSeconds(),
                s.shutdownGraceSeconds(), s.maxConnections(), s.writeTimeoutSeconds(), s.tls());
    }

    private static Map<String, Backend> byName(List<Backend> backends) {
        Map<String, Backend> map = new LinkedHashMap<>();
        backends.forEach(b -> map.put(b.name(), b));
        return map;
    }

    /** By name, without the key proxy_api_key stands for: its change is reported as that setting. */
    private static Map<String, ClientKey> clientKeys(Config config) {
        Map<String, ClientKey> map = new LinkedHashMap<>();
        config.clientKeys().stream().filter(k -> !k.name().equals(ClientKey.DEFAULT_NAME))
                .forEach(k -> map.put(k.name(), k));
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
