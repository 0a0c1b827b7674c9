package llmproxy.proxy;

import llmproxy.config.Backend;
import llmproxy.protocol.Dialect;

/** Chooses the protocol an attempt speaks, from the backend's config and the client's dialect. */
final class Protocols {
    private Protocols() {
        throw new AssertionError();
    }

    static Protocol of(Backend backend, Dialect client) {
        Dialect speaks = speaks(backend, client);
        if (speaks == client) {
            return Passthrough.INSTANCE;
        }
        return client == Dialect.OPENAI ? Translating.OPENAI_CLIENT_ANTHROPIC_BACKEND
                : Translating.ANTHROPIC_CLIENT_OPENAI_BACKEND;
    }

    /** {@code auto}: Anthropic's own API speaks Anthropic; anything else is taken to speak the client's dialect. */
    static Dialect speaks(Backend backend, Dialect client) {
        return switch (backend.protocol()) {
            case OPENAI -> Dialect.OPENAI;
            case ANTHROPIC -> Dialect.ANTHROPIC;
            case AUTO -> "api.anthropic.com".equalsIgnoreCase(backend.url().getHost()) ? Dialect.ANTHROPIC : client;
        };
    }
}
