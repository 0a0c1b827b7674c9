package llmproxy.proxy;

import llmproxy.config.Backend;
import llmproxy.protocol.Dialect;

/** Chooses the protocol an attempt speaks, from the backend's config and the client's dialect. */
final class Protocols {
    private Protocols() {
        throw new AssertionError();
    }

    static Protocol of(Backend backend, Dialect client) {
        return Passthrough.INSTANCE;
    }
}
