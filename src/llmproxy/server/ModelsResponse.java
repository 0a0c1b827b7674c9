package llmproxy.server;

import llmproxy.json.JsonStrings;
import llmproxy.routing.Snapshot;

import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/** The OpenAI-style model list and model objects, built from the enabled aliases of a snapshot. */
final class ModelsResponse {
    private ModelsResponse() {
        throw new AssertionError();
    }

    /** The enabled aliases the caller may use ({@code visible}), in config order. */
    static byte[] list(Snapshot snapshot, Predicate<String> visible) {
        StringBuilder sb = new StringBuilder(64 + 96 * snapshot.routes().enabledAliases().size());
        sb.append("{\"object\":\"list\",\"data\":[");
        boolean first = true;
        for (String alias : snapshot.routes().enabledAliases()) {
            if (!visible.test(alias)) {
                continue;
            }
            if (!first) {
                sb.append(',');
            }
            first = false;
            model(sb, alias, snapshot.loadedAtSeconds());
        }
        sb.append("]}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One model object, or null when the alias is not listed. */
    static byte[] one(Snapshot snapshot, String alias) {
        if (!snapshot.routes().enabledAliases().contains(alias)) {
            return null;
        }
        StringBuilder sb = new StringBuilder(128);
        model(sb, alias, snapshot.loadedAtSeconds());
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void model(StringBuilder sb, String alias, long created) {
        sb.append("{\"id\":");
        JsonStrings.appendQuoted(sb, alias);
        sb.append(",\"object\":\"model\",\"created\":").append(created).append(",\"owned_by\":\"llm-proxy\"}");
    }
}
