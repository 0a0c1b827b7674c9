package llmproxy.server;

import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * Request ids: the client's own {@code X-Request-ID} when it is sane (1-128 characters of
 * {@code [A-Za-z0-9._:-]}), else a fresh 16-hex-digit id. A fresh id is SipHash-2-4, keyed with 128 random
 * bits, of a counter: a keyed pseudo-random function, so ids seen on the unauthenticated {@code /health} say
 * nothing about the next one, at the cost of a few dozen arithmetic operations per id.
 */
final class RequestIds {
    private final long k0;
    private final long k1;
    private final AtomicLong counter = new AtomicLong();

    /** {@code keySource} should be a {@code SecureRandom}; tests may pass a seeded generator. */
    RequestIds(RandomGenerator keySource) {
        this.k0 = keySource.nextLong();
        this.k1 = keySource.nextLong();
    }

    String idFor(String clientId) {
        if (clientId != null && isSane(clientId)) {
            return clientId;
        }
        return HexFormat.of().toHexDigits(sipHash24(k0, k1, counter.incrementAndGet()));
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

    /** SipHash-2-4 of one 8-byte little-endian message {@code m}. */
    static long sipHash24(long k0, long k1, long m) {
        long[] v = {k0 ^ 0x736f6d6570736575L, k1 ^ 0x646f72616e646f6dL, k0 ^ 0x6c7967656e657261L,
                k1 ^ 0x7465646279746573L};
        v[3] ^= m;
        rounds(v, 2);
        v[0] ^= m;
        long last = 8L << 56; // the message length in the final block
        v[3] ^= last;
        rounds(v, 2);
        v[0] ^= last;
        v[2] ^= 0xff;
        rounds(v, 4);
        return v[0] ^ v[1] ^ v[2] ^ v[3];
    }

    private static void rounds(long[] v, int n) {
        for (int i = 0; i < n; i++) {
            v[0] += v[1];
            v[1] = Long.rotateLeft(v[1], 13) ^ v[0];
            v[0] = Long.rotateLeft(v[0], 32);
            v[2] += v[3];
            v[3] = Long.rotateLeft(v[3], 16) ^ v[2];
            v[0] += v[3];
            v[3] = Long.rotateLeft(v[3], 21) ^ v[0];
            v[2] += v[1];
            v[1] = Long.rotateLeft(v[1], 17) ^ v[2];
            v[2] = Long.rotateLeft(v[2], 32);
        }
    }
}
