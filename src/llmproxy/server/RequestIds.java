package llmproxy.server;

import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request ids: the client's own {@code X-Request-ID} when it is sane (1-128 characters of
 * {@code [A-Za-z0-9._:-]}), else a fresh 16-hex-digit id, unique within the process.
 */
final class RequestIds {
    private static final long MIX = 0x9E3779B97F4A7C15L; // odd, so multiplying is a bijection

    private final long seed;
    private final AtomicLong counter = new AtomicLong();

    RequestIds(long seed) {
        this.seed = seed;
    }

    String idFor(String clientId) {
        if (clientId != null && isSane(clientId)) {
            return clientId;
        }
        return HexFormat.of().toHexDigits((counter.incrementAndGet() * MIX) ^ seed);
    }

    static boolean isSane(String id) {
        int n = id.length();
        if (n == 0 || n > 128) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
