package llmproxy.config;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One YAML mapping being bound to a record: typed reads with defaults, then {@link #finish()} warns
 * about every key nobody read, suggesting the closest known key for typos.
 */
final class Section {
    private static final int MAX_SUGGESTION_DISTANCE = 2;

    private final Values values;
    private final YamlNode.Mapping map;
    private final String path;
    private final Set<String> known = new LinkedHashSet<>();

    private Section(Values values, YamlNode.Mapping map, String path) {
        this.values = values;
        this.map = map;
        this.path = path;
    }

    /** An absent, null or wrongly typed (recorded as an error) node reads as an empty section. */
    static Section of(Values values, YamlNode node, String path, int line) {
        YamlNode.Mapping m = values.mapping(node, path, line);
        return new Section(values, m != null ? m : new YamlNode.Mapping(Map.of(), line, 1), path);
    }

    static String child(String path, String key) {
        if (key.isEmpty() || key.chars().anyMatch(c -> c == '.' || c == '[' || c == ']' || c == '"' || c == ' ')) {
            return path + "[\"" + key + "\"]";
        }
        return path.isEmpty() ? key : path + "." + key;
    }

    static String index(String path, int i) {
        return path + "[" + i + "]";
    }

    String path(String key) {
        return child(path, key);
    }

    /** The line of {@code key}, or of the section itself when the key is absent. */
    int line(String key) {
        YamlNode.Entry e = map.entries().get(key);
        return e != null ? e.line() : map.line();
    }

    int line() {
        return map.line();
    }

    boolean has(String key) {
        return map.entries().containsKey(key);
    }

    /** The raw node, or null when absent or written as null; marks {@code key} as known. */
    YamlNode node(String key) {
        known.add(key);
        YamlNode n = map.get(key);
        return n instanceof YamlNode.Scalar s && s.isNull() ? null : n;
    }

    String string(String key, String fallback) {
        String v = values.text(node(key), path(key), line(key));
        return v == null ? fallback : v;
    }

    Secret secret(String key) {
        return values.secret(node(key), path(key), line(key));
    }

    boolean bool(String key, boolean fallback) {
        Boolean v = values.bool(node(key), path(key), line(key));
        return v == null ? fallback : v;
    }

    int integer(String key, int fallback, int min) {
        Integer v = values.integer(node(key), path(key), line(key), min);
        return v == null ? fallback : v;
    }

    /** Warns about each key that no read asked for. */
    void finish() {
        for (YamlNode.Entry e : map.entries().values()) {
            if (!known.contains(e.key())) {
                String hint = closest(e.key());
                values.problems().warn(child(path, e.key()), e.line(), "unknown key \"" + e.key() + "\""
                        + (hint == null ? "" : " (did you mean \"" + hint + "\"?)") + "; ignored");
            }
        }
    }

    private String closest(String key) {
        String best = null;
        int bestDistance = MAX_SUGGESTION_DISTANCE + 1;
        for (String candidate : known) {
            int d = distance(key, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
