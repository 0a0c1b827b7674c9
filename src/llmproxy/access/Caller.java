package llmproxy.access;

import llmproxy.config.ClientKey;

/** Who sent a request, as far as its key says. {@link #name()} is what logs and metrics show, never a key. */
public sealed interface Caller {
    String name();

    /** Authentication is off (no proxy key and no client keys): anyone may proxy. */
    record Anonymous() implements Caller {
        public String name() {
            return "anonymous";
        }
    }

    /** A configured client key, including {@code proxy_api_key} as {@code default}. */
    record Client(ClientKey key) implements Caller {
        public String name() {
            return key.name();
        }
    }

    /** The {@code admin_api_key}: may read /metrics and /status, may not proxy. */
    record Admin() implements Caller {
        public String name() {
            return "admin";
        }
    }

    /** No key, or a key that matches nothing. */
    record Unknown() implements Caller {
        public String name() {
            return "unknown";
        }
    }
}
