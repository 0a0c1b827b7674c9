package llmproxy.routing;

import llmproxy.config.Config;
import llmproxy.config.Secret;
import llmproxy.logging.Redactor;

import java.util.Objects;

/**
 * Everything a request needs from one loaded config: the config and its routing table. Swapped
 * atomically on reload; each request reads it once and uses it to the end.
 *
 * @param loadedAtSeconds epoch seconds of the load, the stable {@code created} of {@code /v1/models}
 * @param redactor        masks the config's secrets in what an upstream sends back to a client
 */
public record Snapshot(Config config, Routes routes, long loadedAtSeconds, Redactor redactor) {
    public Snapshot {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(routes, "routes");
        Objects.requireNonNull(redactor, "redactor");
    }

    public static Snapshot of(Config config, long loadedAtSeconds) {
        return new Snapshot(config, Routes.from(config), loadedAtSeconds,
                Redactor.of(config.secrets().stream().map(Secret::value).toList()));
    }
}
