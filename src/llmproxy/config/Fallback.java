package llmproxy.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fallback policy. {@code maxRetries} caps attempts per request across L1 and L2 (0 = no cap);
 * {@code aliasFallback} maps an alias to the aliases tried after it (L2), in config order; the loader
 * keeps only defined aliases (others are dropped with a warning until they are defined). {@code retrySame}: how
 * often a transport failure, 5xx or 429 is retried on the same candidate before falling back, after a backoff
 * of {@code retryBackoffMs} doubling (full jitter, capped at 2 s), or after a Retry-After no longer than
 * {@code maxRetryWaitSeconds}. {@code resumeStreams}: a streamed chat answer that breaks after content reached the
 * client is continued by the next candidate and spliced into the same stream.
 */
public record Fallback(int cooldownSeconds, int maxRetries, Map<String, List<String>> aliasFallback, int retrySame,
                       int retryBackoffMs, int maxRetryWaitSeconds, boolean resumeStreams) {
    public static final int DEFAULT_COOLDOWN_SECONDS = 60;
    public static final int DEFAULT_RETRY_BACKOFF_MS = 200;
    public static final int DEFAULT_MAX_RETRY_WAIT_SECONDS = 2;

    /** Without same-route retries ({@code retry_same: 0}). */
    public Fallback(int cooldownSeconds, int maxRetries, Map<String, List<String>> aliasFallback) {
        this(cooldownSeconds, maxRetries, aliasFallback, 0, DEFAULT_RETRY_BACKOFF_MS, DEFAULT_MAX_RETRY_WAIT_SECONDS);
    }

    /** Without stream rescue ({@code resume_streams: false}). */
    public Fallback(int cooldownSeconds, int maxRetries, Map<String, List<String>> aliasFallback, int retrySame,
                    int retryBackoffMs, int maxRetryWaitSeconds) {
        this(cooldownSeconds, maxRetries, aliasFallback, retrySame, retryBackoffMs, maxRetryWaitSeconds, false);
    }

    public Fallback {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        aliasFallback.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        aliasFallback = Collections.unmodifiableMap(copy);
    }

    public static Fallback defaults() {
        return new Fallback(DEFAULT_COOLDOWN_SECONDS, 0, Map.of());
    }
}
