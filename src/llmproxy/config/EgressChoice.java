package llmproxy.config;

/** A backend's {@code proxy:} setting: absent (the global choice), {@code none}, or a proxy URL. */
public sealed interface EgressChoice {
    record Inherit() implements EgressChoice {
    }

    record Direct() implements EgressChoice {
    }

    record Via(ProxyAddress proxy) implements EgressChoice {
    }

    EgressChoice INHERIT = new Inherit();
    EgressChoice DIRECT = new Direct();

    /** @throws IllegalArgumentException when neither "none" nor a proxy URL */
    static EgressChoice parse(String text) {
        return text.strip().equalsIgnoreCase("none") ? DIRECT : new Via(ProxyAddress.parse(text));
    }
}
