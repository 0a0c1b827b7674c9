package llmproxy.routing;

import llmproxy.config.Config;
import llmproxy.config.Secret;
import llmproxy.logging.Redactor;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything a request needs from one loaded config: the config and its routing table. Swapped
 * atomically on reload; each request reads it once and uses it to the end.
 *
 * @param loadedAtSeconds epoch seconds of the load, the stable {@code created} of {@code /v1/models}
 * @param redactor        masks the config's secrets in what an upstream sends back to a client
 * @param clientKeys      every key a client may present (the proxy key, client keys, the admin key): none of
 *                        them is ever forwarded upstream
 */
public record Snapshot(Config config, Routes routes, long loadedAtSeconds, Redactor redactor,
                       List<Secret> clientKeys) {
    public Snapshot {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(routes, "routes");
        Objects.requireNonNull(redactor, "redactor");
        clientKeys = List.copyOf(clientKeys);
    }

    public static Snapshot of(Config config, long loadedAtSeconds) {
        List<Secret> clientKeys = new ArrayList<>();
        config.clientKeys().forEach(k -> clientKeys.add(k.key()));
        if (config.adminApiKey().isSet()) {
            clientKeys.add(config.adminApiKey());
        }
        return new Snapshot(config, Routes.from(config), loadedAtSeconds,
                Redactor.of(config.secrets().stream().map(Secret::value).toList()), clientKeys);
    }
}
