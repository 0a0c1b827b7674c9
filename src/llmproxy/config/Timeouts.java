package llmproxy.config;

/**
 * The optional {@code timeouts:} section, in seconds; each expiry is a fallback-triggering failure.
 * {@code firstTokenSeconds}: how long an answer may take to carry its first content (0 = no limit);
 * {@code requestSeconds}: after this long no new attempt starts for a request (0 = no limit).
 */
public record Timeouts(int connectSeconds, int responseHeaderSeconds, int streamIdleSeconds, int firstTokenSeconds,
                       int requestSeconds) {
    public static Timeouts defaults() {
        return new Timeouts(10, 300, 300, 0, 0);
    }
}
