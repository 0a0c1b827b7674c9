package llmproxy.config;

import java.util.List;
import java.util.Objects;

/**
 * One application's API key: its {@code name} (what logs, metrics and /status show, never the key), the model
 * aliases or {@code *} globs it may use, and its requests-per-minute limit per replica (0 = none).
 */
public record ClientKey(String name, Secret key, List<String> models, int rpm) {
    /** The name {@code proxy_api_key} is known by. */
    public static final String DEFAULT_NAME = "default";
    /** The allow-list meaning every model. */
    public static final List<String> ALL_MODELS = List.of("*");

    public ClientKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, "key");
        models = List.copyOf(models);
        if (rpm < 0) {
            throw new IllegalArgumentException("rpm must not be negative");
        }
    }
}
