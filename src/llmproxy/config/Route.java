package llmproxy.config;

import java.util.Objects;

/** One way to serve an alias: send it to {@code backend} as upstream model {@code model}. */
public record Route(String backend, String model, int priority, boolean enabled) {
    public Route {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(model, "model");
    }
}
