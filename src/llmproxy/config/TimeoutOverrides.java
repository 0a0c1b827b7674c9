package llmproxy.config;

/**
 * A backend's {@code timeouts:}, in seconds; null means "the global value".
 */
public record TimeoutOverrides(Integer connectSeconds, Integer responseHeaderSeconds, Integer streamIdleSeconds,
                               Integer firstTokenSeconds) {
    public static final TimeoutOverrides NONE = new TimeoutOverrides(null, null, null, null);

    /** The global timeouts with this backend's values put over them, key by key. */
    public Timeouts over(Timeouts global) {
        if (isEmpty()) {
            return global; // most backends: nothing to build per attempt
        }
        return new Timeouts(connectSeconds != null ? connectSeconds : global.connectSeconds(),
                responseHeaderSeconds != null ? responseHeaderSeconds : global.responseHeaderSeconds(),
                streamIdleSeconds != null ? streamIdleSeconds : global.streamIdleSeconds(),
                firstTokenSeconds != null ? firstTokenSeconds : global.firstTokenSeconds(), global.requestSeconds());
    }

    public boolean isEmpty() {
        return equals(NONE);
    }
}
