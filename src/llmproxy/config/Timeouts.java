package llmproxy.config;

/** The optional {@code timeouts:} section, in seconds; each expiry is a fallback-triggering failure. */
public record Timeouts(int connectSeconds, int responseHeaderSeconds, int streamIdleSeconds) {
    public static Timeouts defaults() {
        return new Timeouts(10, 300, 300);
    }
}
