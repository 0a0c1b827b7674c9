package llmproxy.config;

import java.util.List;
import java.util.Objects;

/** A model name clients use, and the routes that serve it, in config order. */
public record ModelAlias(String name, boolean enabled, List<Route> routes) {
    public ModelAlias {
        Objects.requireNonNull(name, "name");
        routes = List.copyOf(routes);
    }
}
