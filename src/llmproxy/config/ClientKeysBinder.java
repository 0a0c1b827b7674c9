package llmproxy.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds {@code client_keys}, adding {@code proxy_api_key} as the key named {@code default} with every model.
 * Names and keys must be unique; a duplicate key is reported by position only, never by value.
 */
final class ClientKeysBinder {
    /** Far above any real limit, and small enough that the rate limiter's arithmetic cannot overflow. */
    static final int MAX_RPM = 10_000_000;

    private final Values values;
    private final Problems problems;

    ClientKeysBinder(Values values) {
        this.values = values;
        this.problems = values.problems();
    }

    List<ClientKey> bind(YamlNode node, int line, Secret proxyApiKey, Secret adminApiKey, int adminLine) {
        List<ClientKey> keys = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        Map<String, String> secrets = new HashMap<>();
        if (proxyApiKey.isSet()) {
            keys.add(new ClientKey(ClientKey.DEFAULT_NAME, proxyApiKey, ClientKey.ALL_MODELS, 0));
            names.put(ClientKey.DEFAULT_NAME, "proxy_api_key");
            secrets.put(proxyApiKey.value(), "proxy_api_key");
        }
        YamlNode.Sequence seq = values.sequence(node, "client_keys", line);
        for (int i = 0; seq != null && i < seq.items().size(); i++) {
            YamlNode item = seq.items().get(i);
            String path = Section.index("client_keys", i);
            if (!(item instanceof YamlNode.Mapping)) {
                problems.error(path, item.line(), "must be a mapping with name and key, got " + item.kind());
                continue;
            }
            Section s = Section.of(values, item, path, item.line());
            String name = s.string("name", "").strip();
            Secret key = s.secret("key");
            List<String> models = models(s);
            int rpm = s.integer("rpm", 0, 0);
            if (rpm > MAX_RPM) {
                problems.error(s.path("rpm"), s.line("rpm"), "must be at most " + MAX_RPM + ", got " + rpm);
                rpm = MAX_RPM;
            }
            s.finish();
            boolean valid = true;
            if (name.isEmpty()) {
                problems.error(s.path("name"), s.line("name"), "is required");
                valid = false;
            } else if (names.containsKey(name)) {
                problems.error(s.path("name"), s.line("name"), "duplicate client key name \"" + name + "\" (also "
                        + names.get(name) + ")");
                valid = false;
            }
            if (!key.isSet()) {
                problems.error(s.path("key"), s.line("key"), "is required");
                valid = false;
            } else if (secrets.containsKey(key.value())) {
                problems.error(s.path("key"), s.line("key"), "the same key as " + secrets.get(key.value())
                        + "; every client needs its own key");
                valid = false;
            }
            if (valid) {
                names.put(name, path);
                secrets.put(key.value(), path);
                keys.add(new ClientKey(name, key, models, rpm));
            }
        }
        if (adminApiKey.isSet() && secrets.containsKey(adminApiKey.value())) {
            problems.error("admin_api_key", adminLine, "the same key as " + secrets.get(adminApiKey.value())
                    + "; the admin key must differ from every client key");
        }
        return keys;
    }

    private List<String> models(Section s) {
        YamlNode node = s.node("models");
        if (node == null) {
            return ClientKey.ALL_MODELS;
        }
        YamlNode.Sequence seq = values.sequence(node, s.path("models"), s.line("models"));
        if (seq == null) {
            return List.of();
        }
        List<String> models = new ArrayList<>();
        for (String t : values.texts(seq, s.path("models"))) {
            if (t != null && !t.isBlank()) {
                models.add(t.strip());
            }
        }
        return models;
    }
}
